import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { orgWithService, seedError, seedJob } from "@/server/reports/seed.test-support";
import { addMember, callerFor, makeOrg } from "@/test/db";
import { serviceInput } from "@/test/services";
import { errorsCsvResponse } from "./errors-csv-response";

const HEADER =
  "request_id,service,phase,source,indicator_id,indicator_type,indicator_value,owner,field,message,first_seen_utc,last_seen_utc,occurrences";
const now = new Date("2032-11-05T08:00:00.000Z");
const urlFor = (orgSlug: string, query = "") =>
  new URL(`https://bridge.example.test/${orgSlug}/reports/errors/export${query}`);

/** Splits on the CRLF that ends records, leaving the bare LF inside a quoted cell alone. */
const recordsOf = (csv: string) => csv.split("\r\n");

describe("GET /[orgSlug]/reports/errors/export", () => {
  test("a member gets the org's errors as CSV, cells quoted and escaped and formulas defused", async () => {
    const { org, service } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    const at = (day: number) => new Date(Date.UTC(2032, 9, day));
    await seedError(job, { at: at(1), value: "a,b", message: 'said "no"' });
    await seedError(job, { at: at(2), value: "line one\nline two", message: "=1+2" });
    await seedError(job, { at: at(3), value: "+49 30 1234", message: "-cmd" });
    await seedError(job, { at: at(4), value: "@SUM(A1)", message: "plain" });
    const { user: member } = await addMember(org.id, "member");

    const response = await errorsCsvResponse(callerFor(member), { orgSlug: org.slug, url: urlFor(org.slug), now });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="errors-${org.slug}-2032-11-05.csv"`,
    );
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const prefix = `${job.requestId},${service.name},upload,sentinel,1001,Host`;
    const seen = (day: number) => `${at(day).toISOString()},${at(day).toISOString()},1`;
    expect(recordsOf(await response.text())).toEqual([
      HEADER,
      `${prefix},'@SUM(A1),,,plain,${seen(4)}`,
      `${prefix},'+49 30 1234,,,'-cmd,${seen(3)}`,
      `${prefix},"line one\nline two",,,'=1+2,${seen(2)}`,
      `${prefix},"a,b",,,"said ""no""",${seen(1)}`,
      "",
    ]);
  });

  test("applies the service, phase and request filters of the URL", async () => {
    const { org, owner, service, api } = await orgWithService();
    const second = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const first = await seedJob({ orgId: org.id, serviceId: service.id });
    const other = await seedJob({ orgId: org.id, serviceId: second.id });
    const at = new Date("2032-10-01T00:00:00.000Z");
    await seedError(first, { at, value: "upload.example" });
    await seedError(first, { at, value: "prepare.example", phase: "prepare" });
    await seedError(other, { at, value: "other.example" });
    const csvOf = async (query: string) => {
      const response = await errorsCsvResponse(callerFor(owner), {
        orgSlug: org.slug,
        url: urlFor(org.slug, query),
        now,
      });
      expect(response.status).toBe(200);
      return recordsOf(await response.text()).slice(1, -1);
    };
    const values = (records: string[]) => records.map((record) => record.split(",")[6]).sort();

    expect(values(await csvOf(""))).toEqual(["other.example", "prepare.example", "upload.example"]);
    expect(values(await csvOf(`?service=${service.id}`))).toEqual(["prepare.example", "upload.example"]);
    expect(values(await csvOf(`?service=${service.id}&phase=upload`))).toEqual(["upload.example"]);
    expect(values(await csvOf(`?request=${other.requestId.toLowerCase()}`))).toEqual(["other.example"]);
    expect(await csvOf("?phase=download")).toEqual([]);
  });

  test("another org's member gets 404, also for a service of this org; signed out gets 401", async () => {
    const { org, service } = await orgWithService();
    await seedError(await seedJob({ orgId: org.id, serviceId: service.id }), { at: now });
    const stranger = await makeOrg();

    const outsider = await errorsCsvResponse(callerFor(stranger.owner), {
      orgSlug: org.slug,
      url: urlFor(org.slug),
      now,
    });
    expect(outsider.status).toBe(404);
    expect(await outsider.text()).toBe("Not found");
    const foreignService = await errorsCsvResponse(callerFor(stranger.owner), {
      orgSlug: stranger.org.slug,
      url: urlFor(stranger.org.slug, `?service=${service.id}`),
      now,
    });
    expect(foreignService.status).toBe(404);

    const signedOut = await errorsCsvResponse(callerFor(null), { orgSlug: org.slug, url: urlFor(org.slug), now });
    expect(signedOut.status).toBe(401);
    expect(await signedOut.text()).not.toContain("1001");
  });

  test("a refused export says why with 400; an unexpected failure is not turned into a response", async () => {
    const refusing = {
      report: {
        exportErrors: () =>
          Promise.reject(new TRPCError({ code: "BAD_REQUEST", message: "More than 50000 errors match" })),
      },
    };
    const refused = await errorsCsvResponse(refusing, { orgSlug: "acme", url: urlFor("acme"), now });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe("More than 50000 errors match");

    const broken = { report: { exportErrors: () => Promise.reject(new Error("connection reset")) } };
    await expect(errorsCsvResponse(broken, { orgSlug: "acme", url: urlFor("acme"), now })).rejects.toThrow(
      "connection reset",
    );
  });
});
