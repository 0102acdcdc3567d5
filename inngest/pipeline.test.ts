import { and, eq, gte, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobs, sentState, tasks } from "@/db/schema";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import { cancelJob } from "@/server/jobs";
import { newRequestId } from "@/server/jobs/request-id";
import type { QueryDefinition } from "@/server/services/query-input";
import { testDb } from "@/test/db";
import { cleanerRequested } from "./events";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import {
  createSyncService,
  expectedStixIds,
  indicatorsOfQueries,
  jobRow,
  runJob,
  storedObjects,
  tasksOf,
  uploadRequests,
  waitForJobEnd,
  waitUntil,
  type SyncService,
} from "@/test/pipeline/scenario";

/** A scaled Sentinel minute: 100 requests per 3 s keeps the suite short while pacing still decides the timing. */
const MINUTE_MS = 3000;
const ALL_OWNERS = ["Demo Organization", "Demo Source", "Demo Community"];
const ALL_TYPES = [...INDICATOR_TYPES];

/** Three overlapping queries: the same indicators come back from several, in several owners. */
const OVERLAPPING_QUERIES: QueryDefinition[] = [
  { owners: ["Demo Organization"], types: ALL_TYPES, tql: "rating >= 3", sortField: "dateAdded", sortDirection: "ASC" },
  {
    owners: ["Demo Organization", "Demo Source"],
    types: ALL_TYPES,
    tql: "confidence >= 40",
    sortField: "rating",
    sortDirection: "DESC",
  },
  { owners: ALL_OWNERS, types: ALL_TYPES, tql: "confidence >= 0", sortField: "lastModified", sortDirection: "DESC" },
];

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await startPipelineHarness({ indicators: 5000, seed: 11, minuteMs: MINUTE_MS });
});

afterAll(async () => {
  await harness?.close();
});

function objectsById() {
  return new Map(storedObjects(harness).map((object) => [object.id as string, object]));
}

describe("a full update, then deltas, through the engine and both emulators", () => {
  let service: SyncService;
  let expected: Set<string>;

  beforeAll(async () => {
    harness.azure.control.reset();
    service = await createSyncService(harness, OVERLAPPING_QUERIES);
    expected = await expectedStixIds(harness, OVERLAPPING_QUERIES);
  });

  it("sends exactly the deduped, mapped set in ceil(n/100) requests of at most 100 objects", async () => {
    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 120_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(new Set(objectsById().keys())).toEqual(expected);
    const requests = uploadRequests(harness);
    expect(requests.every((request) => request.status === 200)).toBe(true);
    expect(requests).toHaveLength(Math.ceil(expected.size / 100));
    expect(Math.max(...requests.map((request) => request.objectCount ?? 0))).toBeLessThanOrEqual(100);
    expect(job.sentCount).toBe(expected.size);

    const tasks = await tasksOf(jobId);
    expect(tasks.filter((task) => task.kind === "upload" && task.status === "succeeded")).toHaveLength(requests.length);
    expect(tasks.some((task) => task.kind === "prepare" && task.status === "succeeded")).toBe(true);
    expect(tasks.filter((task) => task.kind === "finalize")).toHaveLength(1);
    expect(tasks.find((task) => task.kind === "upload")?.label).toMatch(/^Upload batch \d+ of \d+$/);
  }, 180_000);

  it("sends exactly the 37 modified and revokes the 5 deleted in a delta", async () => {
    const before = objectsById();
    const candidates = await singleCopyIndicators(harness, OVERLAPPING_QUERIES);
    const modified = candidates.slice(0, 37);
    const deleted = candidates.slice(37, 42);
    for (const indicator of modified)
      harness.threatConnect.control.modifyIndicator(indicator.id, { tags: ["Delta Test"] });
    for (const indicator of deleted) harness.threatConnect.control.deleteIndicator(indicator.id);
    const requestsBefore = uploadRequests(harness).length;

    const { jobId } = await runJob(harness, service, "delta");
    const job = await waitForJobEnd(jobId, 60_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    const after = objectsById();
    const changed = [...after.values()].filter(
      (object) => object.modified !== before.get(object.id as string)?.modified,
    );
    expect(changed.filter((object) => object.revoked === true)).toHaveLength(5);
    expect(changed.filter((object) => object.revoked !== true)).toHaveLength(37);
    expect(
      changed.filter((object) => object.revoked !== true).every((object) => labelsOf(object).includes("Delta Test")),
    ).toBe(true);
    const deltaRequests = uploadRequests(harness).slice(requestsBefore);
    expect(deltaRequests.reduce((sum, request) => sum + (request.objectCount ?? 0), 0)).toBe(42);
    expect(job.sentCount).toBe(37);
    expect(job.revokedCount).toBe(5);
  }, 180_000);

  it("makes no upload request at all in a delta with no changes", async () => {
    const requestsBefore = uploadRequests(harness).length;
    const { jobId } = await runJob(harness, service, "delta");
    const job = await waitForJobEnd(jobId, 60_000);
    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(uploadRequests(harness).length).toBe(requestsBefore);
    expect((await tasksOf(jobId)).filter((task) => task.kind === "upload")).toHaveLength(0);
  }, 180_000);
});

describe("failures on the way", () => {
  beforeEach(() => {
    harness.azure.control.reset();
    harness.threatConnect.control.reset();
  });

  it("delivers everything through injected 429s and 5xx, each retry a visible task attempt", async () => {
    const queries = OVERLAPPING_QUERIES.slice(0, 1);
    const service = await createSyncService(harness, queries);
    const expected = await expectedStixIds(harness, queries);
    harness.azure.control.setFaults({ throttleRate: 0.2, serverErrorRate: 0.15 });

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 120_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(new Set(objectsById().keys())).toEqual(expected);
    const requests = uploadRequests(harness);
    const refused = requests.filter((request) => request.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    const uploads = (await tasksOf(jobId)).filter((task) => task.kind === "upload");
    expect(uploads.filter((task) => task.status === "failed")).toHaveLength(refused.length);
    expect(uploads.filter((task) => task.attempt > 0).length).toBeGreaterThanOrEqual(refused.length);
    expect(uploads.filter((task) => task.status === "succeeded")).toHaveLength(Math.ceil(expected.size / 100));
  }, 180_000);

  it("stops sending batches when the job is cancelled and keeps the sent-state exact", async () => {
    const queries = OVERLAPPING_QUERIES.slice(2);
    const service = await createSyncService(harness, queries);
    // Slow uploads keep the job in its upload phase long enough to cancel it there.
    harness.azure.control.setFaults({ latencyMs: 150 });
    const { jobId, requestId } = await runJob(harness, service, "full");
    await waitUntil("a few batches to be sent", 60_000, () => (uploadRequests(harness).length >= 3 ? true : undefined));

    await cancelJob(harness.scopeFor(service.orgId), { requestId });
    const sentAtCancel = uploadRequests(harness).length;
    await new Promise((resolve) => setTimeout(resolve, 2000));

    expect((await jobRow(jobId)).status).toBe("cancelled");
    // The one request already on its way may still land; nothing after it.
    expect(uploadRequests(harness).length).toBeLessThanOrEqual(sentAtCancel + 1);
    expect(uploadRequests(harness).length).toBeLessThan(
      Math.ceil((await expectedStixIds(harness, queries)).size / 100),
    );
    const sent = await testDb.select().from(sentState).where(eq(sentState.serviceId, service.serviceId));
    expect(new Set(sent.map((row) => row.stixId))).toEqual(new Set(objectsById().keys()));
  }, 180_000);

  it("runs one of two jobs requested at once for a service and queues the other until it ends", async () => {
    const queries = OVERLAPPING_QUERIES.slice(0, 1);
    const service = await createSyncService(harness, queries);
    const [first, second] = await Promise.all([runJob(harness, service, "full"), runJob(harness, service, "full")]);

    const jobs = [await waitForJobEnd(first.jobId, 60_000), await waitForJobEnd(second.jobId, 60_000)];

    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    const [earlier, later] = jobs.sort((a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
    expect(earlier?.finishedAt?.getTime()).toBeLessThanOrEqual(later?.startedAt?.getTime() ?? 0);
  }, 180_000);
});

describe("jobs that cannot run and the records jobs leave", () => {
  beforeEach(() => {
    harness.azure.control.reset();
  });

  it("fails a job whose TQL ThreatConnect rejects, with ThreatConnect's message, nothing sent and no restart", async () => {
    const queries: QueryDefinition[] = OVERLAPPING_QUERIES.slice(0, 1).map((query) => ({
      ...query,
      tql: "noSuchField = 3",
    }));
    const service = await createSyncService(harness, queries);

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 60_000);

    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/ThreatConnect rejected the TQL query/);
    expect(uploadRequests(harness)).toHaveLength(0);
    // Inngest was told not to retry it, so the download ran once and no restart was queued.
    const downloads = (await tasksOf(jobId)).filter((task) => task.kind === "download");
    expect(downloads.map((task) => [task.attempt, task.status])).toEqual([[0, "failed"]]);
    expect(await testDb.select().from(jobs).where(eq(jobs.restartOf, jobId))).toHaveLength(0);
  }, 180_000);

  it("restarts a job that failed for good after the domain's backoff, and the restart completes", async () => {
    const queries = OVERLAPPING_QUERIES.slice(0, 1);
    const service = await createSyncService(harness, queries);
    harness.threatConnect.control.setFaults({ errorRate: 1, errorStatus: 503 });

    const { jobId } = await runJob(harness, service, "full");
    const failed = await waitForJobEnd(jobId, 120_000);
    harness.threatConnect.control.setFaults({ errorRate: 0 });

    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/503|unavailable|ThreatConnect/i);
    // Every attempt of the download is a task row; the last one failed the run.
    const downloads = (await tasksOf(jobId)).filter((task) => task.kind === "download");
    expect(downloads.map((task) => task.attempt)).toEqual([0, 1, 2, 3, 4]);
    const restart = await waitUntil("the restart job", 30_000, async () => {
      const [queued] = await testDb.select().from(jobs).where(eq(jobs.restartOf, jobId));
      return queued;
    });
    expect(restart).toMatchObject({ trigger: "restart", attempt: 1, status: "queued" });

    // The first restart waits a minute in Inngest, queued meanwhile; the engine's clock then skips the rest.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await jobRow(restart.id)).status).toBe("queued");
    harness.advanceEngineClock(61_000);
    const restarted = await waitForJobEnd(restart.id, 120_000);
    expect([restarted.status, restarted.error]).toEqual(["succeeded", null]);
    expect(new Set(objectsById().keys())).toEqual(await expectedStixIds(harness, queries));
  }, 240_000);

  it("fails the job, instead of leaving it running, when Sentinel refuses every batch for good", async () => {
    const queries = OVERLAPPING_QUERIES.slice(0, 1);
    const service = await createSyncService(harness, queries);
    harness.azure.control.setFaults({ unauthorizedRate: 1 });

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 120_000);

    expect(job.status).toBe("failed");
    expect(storedObjects(harness)).toHaveLength(0);
    const uploads = (await tasksOf(jobId)).filter((task) => task.kind === "upload");
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((task) => task.status === "failed" && task.error !== null)).toBe(true);
    expect((await tasksOf(jobId)).filter((task) => task.kind === "finalize")).toHaveLength(1);
  }, 180_000);

  it("runs the cleaner on request: old finished jobs go, recent ones stay, and it shows as a cleaner task", async () => {
    const service = await createSyncService(harness, OVERLAPPING_QUERIES.slice(0, 1));
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const finishedJob = (createdAt: Date) => ({
      orgId: service.orgId,
      serviceId: service.serviceId,
      requestId: newRequestId(),
      mode: "full" as const,
      trigger: "manual" as const,
      status: "succeeded" as const,
      phase: "done" as const,
      createdAt,
    });
    const [old, recent] = (
      await testDb
        .insert(jobs)
        .values([finishedJob(longAgo), finishedJob(new Date())])
        .returning({ id: jobs.id })
    ).map((job) => job.id);
    const requestedAt = new Date();

    await harness.inngest.send(cleanerRequested.create());
    const task = await waitUntil("the cleaner task", 60_000, async () => {
      const [cleaner] = await testDb
        .select()
        .from(tasks)
        .where(and(eq(tasks.kind, "cleaner"), gte(tasks.startedAt, requestedAt), eq(tasks.status, "succeeded")));
      return cleaner;
    });

    expect(task).toMatchObject({ orgId: null, jobId: null, label: "Remove sync records older than 30 days" });
    expect(task.counts?.jobs).toBeGreaterThanOrEqual(1);
    const remaining = await testDb
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        inArray(
          jobs.id,
          [old, recent].filter((id) => id !== undefined),
        ),
      );
    expect(remaining).toEqual([{ id: recent }]);
  }, 180_000);
});

function labelsOf(object: Record<string, unknown>): string[] {
  return Array.isArray(object.labels) ? (object.labels as string[]) : [];
}

/** Indicators whose observable exactly one query result holds, so changing one changes exactly one object. */
async function singleCopyIndicators(harness: PipelineHarness, queries: QueryDefinition[]) {
  const all = await indicatorsOfQueries(harness, queries);
  const copies = new Map<string, number>();
  for (const indicator of all) copies.set(indicator.key, (copies.get(indicator.key) ?? 0) + 1);
  const seen = new Set<string>();
  return all.filter((indicator) => {
    if (copies.get(indicator.key) !== 1 || seen.has(indicator.id)) return false;
    seen.add(indicator.id);
    return true;
  });
}
