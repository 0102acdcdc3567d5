import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sentState } from "@/db/schema";
import { testDb } from "@/test/db";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import {
  EVERY_INDICATOR_QUERY,
  createSyncService,
  expectedStixIds,
  runJob,
  storedObjects,
  tasksOf,
  uploadRequests,
  waitForJobEnd,
  waitUntil,
  type SyncService,
} from "@/test/pipeline/scenario";

/**
 * Failure drills on a 2,000-indicator dataset (kept small so each drill takes seconds in CI): every fault a hosted
 * sync meets, judged by the Sentinel emulator's store rather than the app's counters.
 */
const MINUTE_MS = 2000;

let harness: PipelineHarness;
let expected: Set<string>;

beforeAll(async () => {
  harness = await startPipelineHarness({ indicators: 2000, seed: 15, minuteMs: MINUTE_MS });
  expected = await expectedStixIds(harness, EVERY_INDICATOR_QUERY);
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => {
  harness.azure.control.reset();
  harness.threatConnect.control.reset();
});

const storedIds = () => new Set(storedObjects(harness).map((object) => object.id as string));

async function sentStateIds(service: SyncService) {
  const rows = await testDb.select().from(sentState).where(eq(sentState.serviceId, service.serviceId));
  return new Set(rows.map((row) => row.stixId));
}

/** Objects Sentinel accepted, summed over its 200 answers: more than the distinct set means something went twice. */
const acceptedObjects = () =>
  uploadRequests(harness)
    .filter((request) => request.status === 200)
    .reduce((sum, request) => sum + (request.objectCount ?? 0), 0);

describe("Sentinel answering one request in five with 429, 500 or a dropped connection", () => {
  it("delivers every object exactly once, and every retry is a visible task attempt", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    harness.azure.control.setFaults({ throttleRate: 0.08, serverErrorRate: 0.07, resetRate: 0.05 });

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 150_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(storedIds()).toEqual(expected);
    expect(await sentStateIds(service)).toEqual(expected);
    expect(acceptedObjects()).toBe(expected.size);
    const refused = uploadRequests(harness).filter((request) => request.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    const uploads = (await tasksOf(jobId)).filter((task) => task.kind === "upload");
    expect(uploads.filter((task) => task.attempt > 0).length).toBeGreaterThanOrEqual(refused.length);
  }, 180_000);
});

describe("ThreatConnect failing in bursts and answering slowly", () => {
  it("retries the failed page alone and completes with the exact set", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    harness.threatConnect.control.setFaults({ latencyMs: 400 });
    const { jobId } = await runJob(harness, service, "full");
    // The burst starts once the job has read the owners, so it lands on the indicator pages.
    await waitUntil("the owners to be read", 60_000, () =>
      harness.threatConnect.control.requestLog().some((entry) => entry.target.includes("/security/owners"))
        ? true
        : undefined,
    );
    harness.threatConnect.control.setFaults({ failNext: 2, errorStatus: 503 });

    const job = await waitForJobEnd(jobId, 150_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(storedIds()).toEqual(expected);
    const pageRequests = harness.threatConnect.control
      .requestLog()
      .filter((entry) => entry.target.includes("/v3/indicators") && !entry.target.includes("deleted"));
    const failedTargets = pageRequests.filter((entry) => entry.status === 503).map((entry) => entry.target);
    expect(failedTargets).toHaveLength(2);
    // Each page that succeeded was fetched once: a retry repeats the failed page, not the pages before it.
    const succeeded = pageRequests.filter((entry) => entry.status === 200).map((entry) => entry.target);
    expect(new Set(succeeded).size).toBe(succeeded.length);
    // The retried requests are the failed page itself (the client retries a 5xx in place before the step would).
    for (const target of failedTargets) expect(succeeded).toContain(target);
  }, 180_000);

  it("fails the job with a clear error on a permanent refusal, and records nothing as sent", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    harness.threatConnect.control.setFaults({ notLicensed: true });

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 120_000);

    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/licen/i);
    expect(storedIds()).toEqual(new Set());
    expect(await sentStateIds(service)).toEqual(new Set());
  }, 150_000);
});

describe("Sentinel refusing for good in the middle of the uploads", () => {
  it("ends the job short of success, and the sent-state holds exactly what Sentinel stored", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY, { maxRestartAttempts: 0 });
    harness.azure.control.setFaults({ latencyMs: 100 });
    const { jobId } = await runJob(harness, service, "full");
    await waitUntil("a few batches to land", 60_000, () =>
      uploadRequests(harness).filter((request) => request.status === 200).length >= 3 ? true : undefined,
    );
    harness.azure.control.setFaults({ unauthorizedRate: 1 });

    const job = await waitForJobEnd(jobId, 150_000);

    // Batches refused for good become job errors, so the job ends partially_succeeded (or failed), never succeeded.
    expect(["failed", "partially_succeeded"]).toContain(job.status);
    const stored = storedIds();
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(expected.size);
    expect(await sentStateIds(service)).toEqual(stored);
  }, 180_000);
});

describe("Postgres connections terminated in the middle of a job", () => {
  it("recovers and completes with the exact set", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    harness.azure.control.setFaults({ latencyMs: 60 });
    const { jobId } = await runJob(harness, service, "full");
    await waitUntil("uploads to be under way", 60_000, () => (uploadRequests(harness).length >= 2 ? true : undefined));

    let terminated = 0;
    for (let round = 0; round < 3; round += 1) {
      // The idle sessions of the app's and the engine's pools, as an idle-killing pooler drops them. Sessions in the
      // middle of a query are postgres-kill-drill.test.ts's: here the app shares this process and its pool.
      const rows = await testDb.execute<{ terminated: boolean }>(
        sql`select pg_terminate_backend(pid) as terminated from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and state = 'idle'`,
      );
      terminated += rows.filter((row) => row.terminated).length;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const job = await waitForJobEnd(jobId, 150_000);

    expect(terminated).toBeGreaterThan(0);
    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(storedIds()).toEqual(expected);
    expect(await sentStateIds(service)).toEqual(expected);
  }, 180_000);
});
