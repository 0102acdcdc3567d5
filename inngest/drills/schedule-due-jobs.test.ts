import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs, organizations, services, serviceSyncState, type Job } from "@/db/schema";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { QueryDefinition } from "@/server/services/query-input";
import { startIsolatedPipelineHarness, type IsolatedPipelineHarness } from "@/test/pipeline/isolated-pipeline-harness";
import { createSyncService, runJob, waitUntil, type SyncService } from "@/test/pipeline/scenario";

/**
 * The scheduler end to end: the engine fires `schedule-due-jobs` from its minute cron (its clock moved forward, so
 * the test waits for no real minute), and the function requests jobs through the real pipeline, on a database of its
 * own. A due service gets one delta job, which runs to success; a service whose interval has not passed, or whose
 * job is still running, gets none; further ticks in the same interval, while the job runs or after it ended, request
 * nothing more.
 */
const QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];
const HOUR_MS = 3_600_000;
const FINAL: Job["status"][] = ["succeeded", "partially_succeeded", "failed", "cancelled"];

let harness: IsolatedPipelineHarness;

beforeAll(async () => {
  harness = await startIsolatedPipelineHarness({ indicators: 300, minuteMs: 2000 });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const jobsOf = (service: SyncService) =>
  harness.db.select().from(jobs).where(eq(jobs.serviceId, service.serviceId)).orderBy(jobs.createdAt);
const scheduledJobsOf = async (service: SyncService) =>
  (await jobsOf(service)).filter((job) => job.trigger === "schedule");

async function waitForJob(jobId: string) {
  return waitUntil(`job ${jobId} to end`, 60_000, async () => {
    const [job] = await harness.db.select().from(jobs).where(eq(jobs.id, jobId));
    return job && FINAL.includes(job.status) ? job : undefined;
  });
}

/** Moves the engine's clock past the next minute and waits for the cron run that fires, returning its output. */
async function tick(): Promise<{ requested: number }> {
  const isSchedule = (functionId: string) => functionId.endsWith("schedule-due-jobs");
  const before = new Set(
    (await harness.engine.runs.list()).filter((run) => isSchedule(run.functionId)).map((run) => run.id),
  );
  harness.advanceEngineClock(61_000);
  return waitUntil("the scheduler's run", 30_000, async () => {
    const runs = (await harness.engine.runs.list()).filter((run) => isSchedule(run.functionId));
    const fired = runs.find((run) => !before.has(run.id));
    if (!fired || runs.some((run) => run.status === "Queued" || run.status === "Running")) return undefined;
    if (fired.status !== "Completed") throw new Error(`the scheduler's run ended ${fired.status}`);
    return fired.output as { requested: number };
  });
}

async function setLastStart(service: SyncService, at: Date) {
  await harness.db
    .insert(serviceSyncState)
    .values({ serviceId: service.serviceId, orgId: service.orgId, lastStartedAt: at })
    .onConflictDoUpdate({ target: serviceSyncState.serviceId, set: { lastStartedAt: at } });
}

describe("schedule-due-jobs through the engine's cron", () => {
  it("starts one delta job for a due service, none for one not due or still running, and none twice a slot", async () => {
    const [org] = await harness.db
      .insert(organizations)
      .values({ slug: `sched-${randomUUID().slice(0, 8)}`, name: "Scheduler" })
      .returning();
    if (!org) throw new Error("org insert returned nothing");
    // Disabled while they are set up, so no tick sees a half-built state; enabled together before the first tick.
    const make = () => createSyncService(harness, QUERIES, { scheduleIntervalHours: 1, isEnabled: false }, org.id);
    const due = await make();
    const notDue = await make();
    const busy = await make();

    // The due service has had its first, full, job; its interval has since passed.
    const first = await runJob(harness, due, "full");
    expect((await waitForJob(first.jobId)).status).toBe("succeeded");
    await setLastStart(due, new Date(Date.now() - 2 * HOUR_MS));
    await setLastStart(notDue, new Date(Date.now() - 0.5 * HOUR_MS));
    // Due by its interval, but a job of it is still running.
    await setLastStart(busy, new Date(Date.now() - 2 * HOUR_MS));
    const [running] = await harness.db
      .insert(jobs)
      .values({
        orgId: busy.orgId,
        serviceId: busy.serviceId,
        requestId: `RUN${randomUUID().slice(0, 8).toUpperCase()}`,
        mode: "full",
        trigger: "manual",
        status: "running",
        phase: "upload",
        createdAt: new Date(),
        startedAt: new Date(),
      })
      .returning();
    if (!running) throw new Error("job insert returned nothing");
    const all = [due, notDue, busy].map((service) => service.serviceId);
    await harness.db.update(services).set({ isEnabled: true }).where(inArray(services.id, all));

    expect(await tick()).toEqual({ requested: 1 });
    const [scheduled, ...more] = await scheduledJobsOf(due);
    if (!scheduled) throw new Error("the due service got no scheduled job");
    expect(more).toEqual([]);
    expect(scheduled.mode).toBe("delta");
    expect(await scheduledJobsOf(notDue)).toEqual([]);
    expect(await scheduledJobsOf(busy)).toEqual([]);

    // A second tick of the same interval while that job is queued or running, and a third once it ended.
    expect(await tick()).toEqual({ requested: 0 });
    const ended = await waitForJob(scheduled.id);
    expect([ended.status, ended.error]).toEqual(["succeeded", null]);
    expect(await tick()).toEqual({ requested: 0 });
    expect((await scheduledJobsOf(due)).map((job) => job.id)).toEqual([scheduled.id]);

    // The busy service was held back only by its running job: once it ends, the next tick schedules it.
    await harness.db
      .update(jobs)
      .set({ status: "succeeded", phase: "done", finishedAt: new Date() })
      .where(eq(jobs.id, running.id));
    expect(await tick()).toEqual({ requested: 1 });
    const busyScheduled = await scheduledJobsOf(busy);
    expect(busyScheduled.map((job) => job.mode)).toEqual(["full"]);
    expect(await scheduledJobsOf(notDue)).toEqual([]);
    for (const job of busyScheduled) await waitForJob(job.id);
  }, 150_000);
});
