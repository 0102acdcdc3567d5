import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { jobErrors, jobs, tasks } from "@/db/schema";
import { addMember, callerFor, errorOf, makeOrg, testDb, recordingEventSender, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";

function recordingDeps() {
  const { events, sender } = recordingEventSender();
  const deps = testDeps({ events: sender });
  return { events, deps };
}

async function orgWithService() {
  const { org, owner } = await makeOrg();
  const { deps, events } = recordingDeps();
  const service = await callerFor(owner, deps).service.create({ orgSlug: org.slug, ...serviceInput() });
  return { org, owner, service, deps, events, api: callerFor(owner, deps) };
}

describe("job.run", () => {
  test("an admin queues a job and the pipeline is told its ids, never more", async () => {
    const { org, service, deps, events } = await orgWithService();
    const { user: admin } = await addMember(org.id, "admin");
    const { requestId } = await callerFor(admin, deps).job.run({
      orgSlug: org.slug,
      serviceId: service.id,
      mode: "delta",
    });
    expect(requestId).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    const [job] = await testDb.select().from(jobs).where(eq(jobs.requestId, requestId));
    expect(job).toMatchObject({ status: "queued", mode: "delta", trigger: "manual", orgId: org.id });
    expect(events).toEqual([
      { name: "sync/job.requested", data: { orgId: org.id, serviceId: service.id, jobId: job?.id } },
    ]);
  });

  test("members may not run jobs; another org's service is not found; bad input names its field", async () => {
    const { org, service, deps, events } = await orgWithService();
    const { user: member } = await addMember(org.id, "member");
    const denied = await errorOf(
      callerFor(member, deps).job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" }),
    );
    expect(denied.code).toBe("FORBIDDEN");
    const other = await makeOrg();
    const notMine = await errorOf(
      callerFor(other.owner, deps).job.run({ orgSlug: other.org.slug, serviceId: service.id, mode: "full" }),
    );
    expect(notMine.code).toBe("NOT_FOUND");
    const outsider = await errorOf(
      callerFor(other.owner, deps).job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" }),
    );
    expect(outsider.code).toBe("NOT_FOUND");
    const bad = await errorOf(
      callerFor(other.owner, deps).job.run({
        orgSlug: other.org.slug,
        serviceId: service.id,
        mode: "sideways" as never,
      }),
    );
    expect(bad.fieldErrors.mode).toEqual(["Mode must be delta or full"]);
    expect(events).toEqual([]);
  });

  test("a job the pipeline cannot be told about fails visibly instead of waiting forever", async () => {
    const { org, owner } = await makeOrg();
    const service = await callerFor(owner).service.create({ orgSlug: org.slug, ...serviceInput() });
    const refused = await errorOf(callerFor(owner).job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" }));
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED" });
    const [job] = await testDb.select().from(jobs).where(eq(jobs.serviceId, service.id));
    expect(job).toMatchObject({ status: "failed", error: "The job could not be handed to the sync pipeline" });
  });
});

describe("job.cancel", () => {
  test("an admin cancels a queued job once; members and other orgs cannot", async () => {
    const { org, service, api, deps, events } = await orgWithService();
    const { requestId } = await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
    const { user: member } = await addMember(org.id, "member");
    expect((await errorOf(callerFor(member, deps).job.cancel({ orgSlug: org.slug, requestId }))).code).toBe(
      "FORBIDDEN",
    );
    const other = await makeOrg();
    expect((await errorOf(callerFor(other.owner, deps).job.cancel({ orgSlug: other.org.slug, requestId }))).code).toBe(
      "NOT_FOUND",
    );
    expect(await api.job.cancel({ orgSlug: org.slug, requestId: requestId.toLowerCase() })).toEqual({
      status: "cancelled",
    });
    expect(await api.job.cancel({ orgSlug: org.slug, requestId })).toEqual({ status: "cancelled" });
    expect(events.filter((event) => event.name === "sync/job.cancelled")).toHaveLength(1);
    const [job] = await testDb.select().from(jobs).where(eq(jobs.requestId, requestId));
    expect(job).toMatchObject({ status: "cancelled", phase: "done" });
  });

  test("a finished job cannot be cancelled", async () => {
    const { org, service, api } = await orgWithService();
    const { requestId } = await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
    await testDb.update(jobs).set({ status: "succeeded" }).where(eq(jobs.requestId, requestId));
    const refused = await errorOf(api.job.cancel({ orgSlug: org.slug, requestId }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("already finished (succeeded)");
  });
});

describe("job.list", () => {
  test("newest first in keyset pages, filtered by service, statuses and request id prefix", async () => {
    const { org, service, api } = await orgWithService();
    const second = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const base = Date.parse("2031-03-01T00:00:00.000Z");
    const rows = [0, 1, 2, 2, 3].map((offset, index) => ({
      orgId: org.id,
      serviceId: index === 4 ? second.id : service.id,
      requestId: `LST${org.id
        .slice(0, 4)
        .toUpperCase()
        .replace(/[^0-9A-Z]/g, "0")}${index}`,
      mode: "full" as const,
      trigger: "manual" as const,
      status: index % 2 === 0 ? ("succeeded" as const) : ("failed" as const),
      createdAt: new Date(base + offset),
    }));
    await testDb.insert(jobs).values(rows);
    const { user: member } = await addMember(org.id, "member");
    const reader = callerFor(member);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.job.list({ orgSlug: org.slug, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.requestId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(seen[0]).toBe(rows[4]?.requestId);
    expect(seen.at(-1)).toBe(rows[0]?.requestId);

    const failed = await reader.job.list({ orgSlug: org.slug, status: ["failed"] });
    expect(failed.items.map((item) => item.requestId).sort()).toEqual([rows[1]?.requestId, rows[3]?.requestId].sort());
    const ofSecond = await reader.job.list({ orgSlug: org.slug, serviceId: second.id });
    expect(ofSecond.items.map((item) => item.requestId)).toEqual([rows[4]?.requestId]);
    const prefix = rows[2]?.requestId.slice(0, 7).toLowerCase() ?? "";
    const found = await reader.job.list({ orgSlug: org.slug, requestId: prefix });
    expect(new Set(found.items.map((item) => item.requestId))).toEqual(new Set(rows.map((row) => row.requestId)));
    expect(found.items[0]).toMatchObject({ mode: "full", trigger: "manual", counts: { sent: 0, fetched: 0 } });
    const exact = await reader.job.list({ orgSlug: org.slug, requestId: rows[2]?.requestId });
    expect(exact.items.map((item) => item.requestId)).toEqual([rows[2]?.requestId]);
  });

  test("never shows another org's jobs; outsiders get NOT_FOUND; a forged cursor is a field error", async () => {
    const { org, service, api } = await orgWithService();
    await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
    const other = await makeOrg();
    expect((await callerFor(other.owner).job.list({ orgSlug: other.org.slug })).items).toEqual([]);
    expect((await errorOf(callerFor(other.owner).job.list({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    const forged = await errorOf(api.job.list({ orgSlug: org.slug, cursor: "not-a-cursor" }));
    expect(forged.code).toBe("BAD_REQUEST");
    expect(forged.fieldErrors.cursor).toEqual(["Cursor is not one this list returned"]);
    const badStatus = await errorOf(api.job.list({ orgSlug: org.slug, status: ["done" as never] }));
    expect(Object.keys(badStatus.fieldErrors)).toEqual(["status"]);
  });
});

describe("the upload start behind the ETA", () => {
  test("is the first upload task of a job still uploading, and absent before upload or once finished", async () => {
    const { org, service, api } = await orgWithService();
    const ids = await Promise.all(
      ["upload", "download", "upload"].map(async () => {
        const { requestId } = await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
        const [row] = await testDb.select().from(jobs).where(eq(jobs.requestId, requestId));
        return { requestId, jobId: row?.id ?? "" };
      }),
    );
    const [uploading, downloading, finished] = ids as [
      (typeof ids)[number],
      (typeof ids)[number],
      (typeof ids)[number],
    ];
    // A service runs one job at a time, so only the first is running.
    await testDb.update(jobs).set({ status: "running", phase: "upload" }).where(eq(jobs.id, uploading.jobId));
    await testDb.update(jobs).set({ status: "queued", phase: "download" }).where(eq(jobs.id, downloading.jobId));
    await testDb.update(jobs).set({ status: "succeeded", phase: "done" }).where(eq(jobs.id, finished.jobId));
    const at = (minute: number) => new Date(Date.UTC(2031, 0, 1, 0, minute));
    const task = (jobId: string, kind: "download" | "upload", minute: number) => ({
      orgId: org.id,
      jobId,
      runId: `run-${jobId}-${minute}`,
      stepId: `${kind}:${minute}`,
      kind,
      label: kind,
      status: "succeeded" as const,
      startedAt: at(minute),
    });
    await testDb
      .insert(tasks)
      .values([
        task(uploading.jobId, "download", 0),
        task(uploading.jobId, "upload", 7),
        task(uploading.jobId, "upload", 5),
        task(downloading.jobId, "download", 1),
        task(finished.jobId, "upload", 2),
      ]);

    const { items } = await api.job.list({ orgSlug: org.slug });
    const startOf = (requestId: string) => items.find((item) => item.requestId === requestId)?.uploadStartedAt;
    expect(startOf(uploading.requestId)).toEqual(at(5));
    expect(startOf(downloading.requestId)).toBeNull();
    expect(startOf(finished.requestId)).toBeNull();
    const detail = await api.job.get({ orgSlug: org.slug, requestId: uploading.requestId });
    expect(detail.uploadStartedAt).toEqual(at(5));
  });
});

describe("job.get", () => {
  test("members read a job with its tasks and errors; other orgs get NOT_FOUND", async () => {
    const { org, service, api } = await orgWithService();
    const { requestId } = await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
    const [job] = await testDb.select().from(jobs).where(eq(jobs.requestId, requestId));
    const jobId = job?.id ?? "";
    const at = new Date("2031-01-01T00:00:00Z");
    await testDb.insert(tasks).values({
      orgId: org.id,
      jobId,
      runId: "run-1",
      stepId: "prepare",
      kind: "prepare",
      label: "Prepare",
      status: "succeeded",
      startedAt: at,
      counts: { batches: 3 },
    });
    await testDb.insert(jobErrors).values({
      orgId: org.id,
      jobId,
      serviceId: service.id,
      phase: "upload",
      source: "sentinel",
      indicatorId: "42",
      indicatorType: "Host",
      indicatorValue: "bad.example",
      message: "pattern is invalid",
      fingerprint: "f1",
      firstSeenAt: at,
      lastSeenAt: at,
    });
    const { user: member } = await addMember(org.id, "member");
    const detail = await callerFor(member).job.get({ orgSlug: org.slug, requestId });
    expect(detail).toMatchObject({ requestId, status: "queued", taskCount: 1, errorCount: 1 });
    expect(detail.tasks[0]).toMatchObject({ label: "Prepare", counts: { batches: 3 } });
    expect(detail.errors[0]).toMatchObject({ indicatorId: "42", message: "pattern is invalid" });
    expect(detail.errors[0]).not.toHaveProperty("fingerprint");
    const other = await makeOrg();
    expect((await errorOf(callerFor(other.owner).job.get({ orgSlug: other.org.slug, requestId }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await errorOf(callerFor(other.owner).job.get({ orgSlug: org.slug, requestId }))).code).toBe("NOT_FOUND");
  });
});
