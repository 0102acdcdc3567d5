import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { jobs, serviceSyncState } from "@/db/schema";
import type { UploadReason } from "@/lib/vocabulary";
import { errorsToCsv } from "@/server/reports";
import { orgWithService, seedError, seedJob, seedSentState } from "@/server/reports/seed.test-support";
import { addSentDailyCounts } from "@/server/sync/sent-daily";
import { addMember, callerFor, errorOf, makeOrg, testDb, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";

describe("report.errors", () => {
  test("members page through the org's errors newest first, filtered by service, phase, source and job", async () => {
    const { org, service, api } = await orgWithService();
    const second = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const first = await seedJob({ orgId: org.id, serviceId: service.id });
    const other = await seedJob({ orgId: org.id, serviceId: second.id });
    const base = Date.parse("2032-06-01T00:00:00.000Z");
    const e1 = await seedError(first, { at: new Date(base), phase: "prepare", message: "unsupported type" });
    const e2 = await seedError(first, { at: new Date(base + 1000) });
    const e3 = await seedError(other, { at: new Date(base + 1000) });
    const { user: member } = await addMember(org.id, "member");
    const reader = callerFor(member);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.report.errors({ orgSlug: org.slug, limit: 2, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...[e2.id, e3.id].sort().reverse(), e1.id]);

    const ofService = await reader.report.errors({ orgSlug: org.slug, serviceId: second.id });
    expect(ofService.items.map((item) => item.id)).toEqual([e3.id]);
    expect(ofService.items[0]).toMatchObject({ requestId: other.requestId, serviceName: second.name });
    const prepare = await reader.report.errors({ orgSlug: org.slug, phase: ["prepare"] });
    expect(prepare.items.map((item) => item.id)).toEqual([e1.id]);
    const mapping = await reader.report.errors({ orgSlug: org.slug, source: ["mapping"] });
    expect(mapping.items.map((item) => item.id)).toEqual([e1.id]);
    const ofJob = await reader.report.errors({ orgSlug: org.slug, requestId: first.requestId.toLowerCase() });
    expect(ofJob.items.map((item) => item.id)).toEqual([e2.id, e1.id]);
    expect(ofJob.items[0]).not.toHaveProperty("fingerprint");
    expect(ofJob.items[0]).not.toHaveProperty("orgId");
  });

  test("another org's errors, services and jobs answer NOT_FOUND or nothing; bad input names its field", async () => {
    const { org, service } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    const error = await seedError(job, { at: new Date() });
    const other = await makeOrg();
    const them = callerFor(other.owner);
    expect((await them.report.errors({ orgSlug: other.org.slug })).items.map((item) => item.id)).not.toContain(
      error.id,
    );
    expect((await errorOf(them.report.errors({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    expect((await errorOf(them.report.errors({ orgSlug: other.org.slug, serviceId: service.id }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await errorOf(them.report.errors({ orgSlug: other.org.slug, requestId: job.requestId }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await errorOf(them.report.exportErrors({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    expect((await errorOf(them.report.overview({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    expect((await errorOf(them.report.retryFailedRecords({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    const badPhase = await errorOf(them.report.errors({ orgSlug: other.org.slug, phase: ["later" as never] }));
    expect(Object.keys(badPhase.fieldErrors)).toEqual(["phase"]);
    const forged = await errorOf(them.report.errors({ orgSlug: other.org.slug, cursor: "x" }));
    expect(forged.fieldErrors.cursor).toEqual(["Cursor is not one this list returned"]);
  });
});

describe("report.exportErrors", () => {
  test("exports the filtered errors as CSV with formula cells defused and quotes escaped", async () => {
    const { org, service, api } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    await seedError(job, {
      at: new Date("2032-07-01T00:00:00.000Z"),
      value: '=HYPERLINK("x")',
      message: 'bad, "quoted"',
    });
    await seedError(job, { at: new Date("2032-07-02T00:00:00.000Z"), phase: "prepare" });
    const rows = await api.report.exportErrors({ orgSlug: org.slug, phase: ["upload"] });
    expect(rows).toHaveLength(1);
    const csv = errorsToCsv(rows);
    const [header, line, end] = csv.split("\r\n");
    expect(header).toBe(
      "request_id,service,phase,source,indicator_id,indicator_type,indicator_value,owner,field,message,first_seen_utc,last_seen_utc,occurrences",
    );
    expect(line).toBe(
      `${job.requestId},${service.name},upload,sentinel,1001,Host,"'=HYPERLINK(""x"")",,,"bad, ""quoted""",2032-07-01T00:00:00.000Z,2032-07-01T00:00:00.000Z,1`,
    );
    expect(end).toBe("");
  });
});

describe("report.retryFailedRecords", () => {
  test("an admin queues one delta job per service for exactly the failed indicators; members may not", async () => {
    const { org, service, api, deps, events } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id }, { status: "partially_succeeded" });
    await seedError(job, { at: new Date(), indicatorId: "2002" });
    await seedError(job, { at: new Date(), indicatorId: "1001", message: "another reason" });
    await seedError(job, { at: new Date(), indicatorId: "1001" });
    await seedError(job, { at: new Date(), indicatorId: null, message: "batch refused" });
    const { user: member } = await addMember(org.id, "member");
    expect((await errorOf(callerFor(member, deps).report.retryFailedRecords({ orgSlug: org.slug }))).code).toBe(
      "FORBIDDEN",
    );
    const { jobs: queued } = await api.report.retryFailedRecords({ orgSlug: org.slug, requestId: job.requestId });
    expect(queued).toEqual([{ serviceId: service.id, requestId: expect.any(String), indicatorCount: 2 }]);
    const [retry] = await testDb
      .select()
      .from(jobs)
      .where(eq(jobs.requestId, queued[0]?.requestId ?? ""));
    expect(retry).toMatchObject({ mode: "delta", trigger: "manual", status: "queued", indicatorIds: ["1001", "2002"] });
    expect(events.map((event) => event.name)).toEqual(["sync/job.requested"]);
  });

  test("errors that name no indicator have nothing to retry, and say so", async () => {
    const { org, service, api } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed" });
    await seedError(job, { at: new Date(), indicatorId: null });
    const refused = await errorOf(api.report.retryFailedRecords({ orgSlug: org.slug }));
    expect(refused).toMatchObject({
      code: "BAD_REQUEST",
      message: "No error under these filters names a ThreatConnect indicator to retry",
    });
  });
});

const host = (reason: UploadReason) => ({ indicatorType: "Host", reason });

describe("report.overview", () => {
  test("sent per day per type, live per type, outcomes per service and an overdue warning", async () => {
    const { org, owner, service } = await orgWithService();
    const now = new Date("2032-08-10T12:00:00.000Z");
    const api = callerFor(owner, testDeps({ now: () => now }));
    const day = (offset: number) => new Date(now.getTime() - offset * 24 * 3600_000);
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Host", sentAt: day(1) });
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Host", sentAt: day(1) });
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Address", sentAt: day(0) });
    await seedSentState(
      { orgId: org.id, serviceId: service.id },
      { type: "Address", sentAt: day(2), validUntil: day(1) },
    );
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "URL", sentAt: day(0), revoked: true });
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Host", sentAt: day(60) });
    const second = await callerFor(owner).service.create({ orgSlug: org.slug, ...serviceInput() });
    const sends = (serviceId: string, at: Date, accepted: { indicatorType: string; reason: UploadReason }[]) =>
      addSentDailyCounts(testDb, { orgId: org.id, serviceId, at, accepted });
    // The same Host sent on two days counts on both: sent_state would show only the latest.
    await sends(service.id, day(1), [host("new"), host("new")]);
    await sends(service.id, day(0), [host("keep_alive"), { indicatorType: "Address", reason: "new" }]);
    await sends(second.id, day(0), [host("changed"), host("revoke"), { indicatorType: "URL", reason: "revoke" }]);
    await sends(service.id, day(29), [host("new")]);
    await sends(service.id, day(30), [{ indicatorType: "File", reason: "new" }]);
    const stranger = await orgWithService();
    await addSentDailyCounts(testDb, {
      orgId: stranger.org.id,
      serviceId: stranger.service.id,
      at: day(0),
      accepted: [{ indicatorType: "CIDR", reason: "new" }],
    });
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "succeeded", createdAt: day(1) });
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed", createdAt: day(2) });
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed", createdAt: day(45) });

    const overview = await api.report.overview({ orgSlug: org.slug });
    expect(overview.sentTypes).toEqual(["Address", "Host"]);
    expect(overview.sentPerDay).toHaveLength(30);
    expect(overview.sentPerDay[0]).toEqual({ day: "2032-07-12", sent: { Host: 1 }, revoked: 0 });
    expect(overview.sentPerDay.slice(-3)).toEqual([
      { day: "2032-08-08", sent: {}, revoked: 0 },
      { day: "2032-08-09", sent: { Host: 2 }, revoked: 0 },
      { day: "2032-08-10", sent: { Address: 1, Host: 2 }, revoked: 2 },
    ]);
    expect(overview.sentPerDay.slice(1, -2).every((entry) => Object.keys(entry.sent).length === 0)).toBe(true);
    expect(overview.livePerType).toEqual([
      { type: "Address", count: 1 },
      { type: "Host", count: 3 },
    ]);
    expect(overview.services.map((health) => health.serviceId).sort()).toEqual([service.id, second.id].sort());
    const health = overview.services.find((row) => row.serviceId === service.id);
    expect(health).toMatchObject({
      lastSucceededAt: null,
      outcomes: { succeeded: 1, failed: 1, partially_succeeded: 0, cancelled: 0 },
    });
    // Created "now" in real time, long before this test's clock: never succeeded and overdue.
    expect(health?.overdueSince).toBeInstanceOf(Date);
  });

  test("a service that succeeded within its interval is not overdue", async () => {
    const { org, owner, service } = await orgWithService();
    const succeeded = new Date();
    const api = callerFor(owner, testDeps({ now: () => new Date(succeeded.getTime() + 3600_000) }));
    await testDb.insert(serviceSyncState).values({ serviceId: service.id, orgId: org.id, lastSucceededAt: succeeded });
    const overview = await api.report.overview({ orgSlug: org.slug });
    expect(overview.services[0]).toMatchObject({ overdueSince: null });
    expect(overview.services[0]?.lastSucceededAt?.toISOString()).toBe(succeeded.toISOString());
  });
});

describe("report.jobBreakdown", () => {
  test("counts what the job sent and its errors by type; another org gets NOT_FOUND", async () => {
    const { org, service, api } = await orgWithService();
    const startedAt = new Date("2032-09-01T00:00:00.000Z");
    const finishedAt = new Date("2032-09-01T01:00:00.000Z");
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    await testDb.update(jobs).set({ startedAt, finishedAt }).where(eq(jobs.id, job.id));
    const inside = new Date("2032-09-01T00:30:00.000Z");
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Host", sentAt: inside });
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "Host", sentAt: inside });
    await seedSentState({ orgId: org.id, serviceId: service.id }, { type: "URL", sentAt: new Date("2032-09-02") });
    await seedError(job, { at: inside });
    await seedError(job, { at: inside, indicatorId: null });
    const breakdown = await api.report.jobBreakdown({ orgSlug: org.slug, requestId: job.requestId });
    expect(breakdown).toEqual({
      sent: [{ type: "Host", count: 2 }],
      errors: [{ type: "Host", count: 2 }],
    });
    const other = await makeOrg();
    const denied = await errorOf(
      callerFor(other.owner).report.jobBreakdown({ orgSlug: other.org.slug, requestId: job.requestId }),
    );
    expect(denied.code).toBe("NOT_FOUND");
  });
});
