import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  jobErrors,
  jobs,
  sentDailyCounts,
  sentState,
  services,
  serviceSyncState,
  syncStaging,
  tasks,
  uploadBatches,
} from "@/db/schema";
import { createServiceInput } from "@/server/services/service-input";
import { createService } from "@/server/services/services";
import { makeOrg, testDb, recordingEventSender, systemScopeAt, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";
import { cancelJob, requestJob } from "../jobs/jobs";
import type { Scope } from "../scope";
import { cleanOldRecords, completeBatch, dueServices, failJob, finalizeJob, prepareJob, startJob } from "./index";

const { events, sender } = recordingEventSender();
const deps = testDeps({ events: sender });

async function serviceScope(overrides: Record<string, unknown> = {}) {
  const { org } = await makeOrg();
  const scope: Scope = { db: testDb, deps, orgId: org.id, actorUserId: null };
  const service = await createService(scope, createServiceInput.parse(serviceInput(overrides)));
  return { scope, serviceId: service.id };
}

describe("startJob", () => {
  it("starts a queued job once: a replay with the same run id is the same start, anything else skips", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId } = await requestJob(scope, { serviceId, mode: "delta", trigger: "manual" });
    const first = await startJob(scope, { jobId, runId: "run-a" });
    // No successful run before it, so the delta runs as a full update.
    expect(first).toEqual({ status: "started", mode: "full", since: null, queries: [], deletionOwners: [] });
    expect(await startJob(scope, { jobId, runId: "run-a" })).toEqual(first);
    expect(await startJob(scope, { jobId, runId: "run-b" })).toEqual({ status: "skip" });
    expect(await startJob(scope, { jobId })).toEqual({ status: "skip" });
  });

  it("answers busy while another job of the service runs, and starts it once that one ended", async () => {
    const { scope, serviceId } = await serviceScope();
    const running = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    const waiting = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    await startJob(scope, { jobId: running.jobId, runId: "one" });
    expect(await startJob(scope, { jobId: waiting.jobId, runId: "two" })).toEqual({ status: "busy" });
    await finalizeJob(scope, { jobId: running.jobId });
    expect(await startJob(scope, { jobId: waiting.jobId, runId: "two" })).toMatchObject({ status: "started" });
  });

  it("refuses another org's job as not found", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    const other = await serviceScope();
    await expect(startJob(other.scope, { jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("batches and finalize", () => {
  it("counts each batch down once, finalizes once, and a batch that failed for good makes the job partial", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    await startJob(scope, { jobId, runId: "run" });
    const batches = await testDb
      .insert(uploadBatches)
      .values([1, 2].map((seq) => ({ orgId: scope.orgId, jobId, seq, objectCount: 1, status: "sent" as const })))
      .returning();
    await testDb.update(jobs).set({ batchCount: 2, batchesRemaining: 2 }).where(eq(jobs.id, jobId));
    const [first, second] = batches;
    expect(await completeBatch(scope, { jobId, batchId: first?.id ?? "" })).toEqual({ remaining: 1 });
    expect(await completeBatch(scope, { jobId, batchId: first?.id ?? "" })).toEqual({ remaining: 1 });
    await expect(finalizeJob(scope, { jobId })).rejects.toMatchObject({ code: "CONFLICT" });
    await testDb
      .update(uploadBatches)
      .set({ status: "pending" })
      .where(eq(uploadBatches.id, second?.id ?? ""));
    expect(
      await completeBatch(scope, { jobId, batchId: second?.id ?? "", error: "Sentinel kept answering 503" }),
    ).toEqual({ remaining: 0 });
    expect(await finalizeJob(scope, { jobId })).toEqual({ status: "partially_succeeded", serviceId });
    expect(await finalizeJob(scope, { jobId })).toEqual({ status: "partially_succeeded", serviceId });
    const [error] = await testDb.select().from(jobErrors).where(eq(jobErrors.jobId, jobId));
    expect(error?.message).toBe("Batch 2 was not delivered: Sentinel kept answering 503");
    const [state] = await testDb.select().from(serviceSyncState).where(eq(serviceSyncState.serviceId, serviceId));
    const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
    expect(state?.deltaCursor).toEqual(job?.startedAt);
  });
});

describe("prepareJob removals", () => {
  it("in a full run revokes what no longer matches, but not an indicator ThreatConnect sent unreadable", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    await startJob(scope, { jobId, runId: "run" });
    const [service] = await testDb.select().from(services).where(eq(services.id, serviceId));
    const lastSent = (tcId: string) => ({
      serviceId,
      workspaceId: service?.workspaceId ?? "",
      indicatorKey: `Host:${tcId}.example`,
      orgId: scope.orgId,
      stixId: `indicator--${tcId}`,
      contentHash: "hash",
      lastModifiedSent: new Date("2030-01-01T00:00:00Z"),
      lastSentAt: new Date("2030-01-01T00:00:00Z"),
      tcId,
      queryPosition: 0,
      indicatorType: "Host",
      indicatorValue: `${tcId}.example`,
      ownerName: "Demo Organization",
      object: { id: `indicator--${tcId}`, type: "indicator" },
    });
    await testDb.insert(sentState).values([lastSent("100"), lastSent("200")]);
    await testDb.insert(jobErrors).values({
      orgId: scope.orgId,
      jobId,
      serviceId,
      phase: "download",
      source: "mapping",
      indicatorId: "200",
      message: "attributes.data.0.value: expected a string",
      fingerprint: "unreadable-200",
      firstSeenAt: new Date(),
      lastSeenAt: new Date(),
    });
    const prepared = await prepareJob(scope, { jobId });
    expect(prepared).toMatchObject({ revoked: 1, batches: 1, toSend: 1 });
  });
});

describe("failJob", () => {
  it("queues restarts with growing backoff up to the service's limit, then marks the service failing", async () => {
    const { scope, serviceId } = await serviceScope({ maxRestartAttempts: 2 });
    let { jobId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    const backoffs: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      await startJob(scope, { jobId, runId: `run-${attempt}` });
      const failed = await failJob(scope, { jobId, error: "ThreatConnect answered 503" });
      expect(failed).toMatchObject({ restartScheduled: true, restart: { attempt } });
      backoffs.push(failed.restart?.backoffMs ?? 0);
      jobId = failed.restart?.jobId ?? "";
      const [restart] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
      expect(restart).toMatchObject({ status: "queued", trigger: "restart", attempt });
    }
    expect(backoffs).toEqual([60_000, 120_000]);
    await startJob(scope, { jobId, runId: "last" });
    expect(await failJob(scope, { jobId, error: "ThreatConnect answered 503" })).toEqual({ restartScheduled: false });
    expect(await failJob(scope, { jobId, error: "again" })).toEqual({ restartScheduled: false });
    const [state] = await testDb.select().from(serviceSyncState).where(eq(serviceSyncState.serviceId, serviceId));
    expect(state).toMatchObject({ consecutiveFailures: 3 });
    expect(state?.failingSince).toBeInstanceOf(Date);
  });

  it("does not restart a failure that cannot pass by itself", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    await startJob(scope, { jobId, runId: "run" });
    expect(await failJob(scope, { jobId, error: "invalid TQL", retryable: false })).toEqual({
      restartScheduled: false,
    });
    const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
    expect(job).toMatchObject({ status: "failed", error: "invalid TQL", phase: "done" });
  });
});

describe("cancelJob", () => {
  it("cancels a running job: pending batches will not be sent and its staging is gone", async () => {
    const { scope, serviceId } = await serviceScope();
    const { jobId, requestId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
    await startJob(scope, { jobId, runId: "run" });
    await testDb.insert(syncStaging).values({
      jobId,
      queryPosition: 0,
      indicatorKey: "Host:a.example",
      tcId: "1",
      ownerName: "Demo Organization",
      indicatorType: "Host",
      raw: {},
    });
    await testDb.insert(uploadBatches).values({ orgId: scope.orgId, jobId, seq: 1, objectCount: 1 });
    expect(await cancelJob(scope, { requestId })).toEqual({ status: "cancelled" });
    expect(await testDb.select().from(syncStaging).where(eq(syncStaging.jobId, jobId))).toEqual([]);
    const [batch] = await testDb.select().from(uploadBatches).where(eq(uploadBatches.jobId, jobId));
    expect(batch?.status).toBe("cancelled");
    expect(events).toContainEqual({ name: "sync/job.cancelled", data: { orgId: scope.orgId, jobId } });
  });
});

describe("system verbs", () => {
  it("finds services due by their interval, never one with a job queued or running, nor a disabled one", async () => {
    const due = await serviceScope({ scheduleIntervalHours: 6 });
    const recent = await serviceScope({ scheduleIntervalHours: 6 });
    const busy = await serviceScope();
    const disabled = await serviceScope({ isEnabled: false });
    const now = new Date("2032-01-01T12:00:00Z");
    await testDb.insert(serviceSyncState).values([
      { serviceId: due.serviceId, orgId: due.scope.orgId, lastStartedAt: new Date("2032-01-01T05:59:00Z") },
      { serviceId: recent.serviceId, orgId: recent.scope.orgId, lastStartedAt: new Date("2032-01-01T06:01:00Z") },
    ]);
    await requestJob(busy.scope, { serviceId: busy.serviceId, mode: "full", trigger: "manual" });
    const found = (await dueServices({ db: testDb, deps }, { now })).map((service) => service.serviceId);
    expect(found).toContain(due.serviceId);
    expect(found).not.toContain(recent.serviceId);
    expect(found).not.toContain(busy.serviceId);
    expect(found).not.toContain(disabled.serviceId);
  });

  it("cleans finished jobs, their errors and tasks past the retention, and never a running job", async () => {
    const { scope, serviceId } = await serviceScope();
    const old = new Date("2020-01-01T00:00:00Z");
    const [finished, running] = await testDb
      .insert(jobs)
      .values(
        (["succeeded", "running"] as const).map((status, index) => ({
          orgId: scope.orgId,
          serviceId,
          requestId: `CLN${scope.orgId.slice(0, 5).toUpperCase()}${index}`,
          mode: "full" as const,
          trigger: "schedule" as const,
          status,
          createdAt: old,
        })),
      )
      .returning();
    await testDb.insert(tasks).values({
      orgId: null,
      runId: "cleaner-run",
      stepId: "clean",
      kind: "cleaner",
      label: "Clean",
      status: "succeeded",
      startedAt: old,
    });
    const cleaned = await cleanOldRecords({ db: testDb, deps }, { olderThan: new Date("2021-01-01T00:00:00Z") });
    expect(cleaned.jobs).toBeGreaterThanOrEqual(1);
    expect(cleaned.tasks).toBeGreaterThanOrEqual(1);
    expect(
      await testDb
        .select()
        .from(jobs)
        .where(eq(jobs.id, finished?.id ?? "")),
    ).toEqual([]);
    expect(
      await testDb
        .select()
        .from(jobs)
        .where(eq(jobs.id, running?.id ?? "")),
    ).toHaveLength(1);
  });

  it("keeps a year of per-day sent counts and removes older days", async () => {
    const { scope, serviceId } = await serviceScope();
    const counts = (day: string) => ({ serviceId, orgId: scope.orgId, day, indicatorType: "Host", sentCount: 5 });
    await testDb.insert(sentDailyCounts).values([counts("2025-11-30"), counts("2025-12-02"), counts("2026-12-01")]);
    const cleaned = await cleanOldRecords(systemScopeAt(testDb, new Date("2026-12-02T12:00:00Z")), {
      olderThan: new Date("2026-11-01T00:00:00Z"),
    });
    expect(cleaned.dailyCounts).toBeGreaterThanOrEqual(1);
    const kept = await testDb
      .select({ day: sentDailyCounts.day })
      .from(sentDailyCounts)
      .where(eq(sentDailyCounts.serviceId, serviceId));
    expect(kept.map((row) => row.day).sort()).toEqual(["2025-12-02", "2026-12-01"]);
  });
});
