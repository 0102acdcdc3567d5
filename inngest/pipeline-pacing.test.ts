import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { QueryDefinition } from "@/server/services/query-input";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import { maxRequestsInWindow, shareOfLimit } from "@/test/pipeline/rate-window";
import {
  createSyncService,
  expectedStixIds,
  runJob,
  storedObjects,
  uploadRequests,
  waitForJobEnd,
} from "@/test/pipeline/scenario";

// 6 seconds, as bench:sync.
const MINUTE_MS = 6000;
const ALL_TYPES = [...INDICATOR_TYPES];
const query = (owners: string[], tql: string): QueryDefinition => ({
  owners,
  types: ALL_TYPES,
  tql,
  sortField: "dateAdded",
  sortDirection: "ASC",
});

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await startPipelineHarness({ indicators: 30_000, seed: 3, minuteMs: MINUTE_MS, appDatabasePoolSize: 10 });
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(() => {
  harness.azure.control.reset();
});

const timesOf = (requests: ReturnType<typeof uploadRequests>) => requests.map((request) => Date.parse(request.at));
const accepted = (requests: ReturnType<typeof uploadRequests>) => requests.filter((request) => request.status === 200);
/**
 * Pacing keeps throttling rare: unpaced, 32 uploads in flight would send far more than 100 requests in a minute and
 * see every one past the hundredth refused. The window counts each request from its answer, so how late a request
 * reaches Sentinel on a loaded machine does not matter; what can still be refused is a request paced from a start
 * whose answer had not come back a minute later. The bound, 1%. Every 429 is retried after Sentinel's
 * Retry-After, so it costs time, never data: the stored set is checked exactly.
 */
const throttledBound = (requests: ReturnType<typeof uploadRequests>) => Math.floor(requests.length / 100);

describe("pacing per Azure principal at a scaled minute", () => {
  it("sends a full update of 30,000 indicators with throttling kept rare and everything delivered", async () => {
    const queries = [query(["Demo Organization", "Demo Source", "Demo Community"], "confidence >= 0")];
    const service = await createSyncService(harness, queries);
    const expected = await expectedStixIds(harness, queries);

    const { jobId } = await runJob(harness, service, "full");
    const job = await waitForJobEnd(jobId, 180_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    expect(storedObjects(harness)).toHaveLength(expected.size);
    const requests = uploadRequests(harness);
    expect(requests.filter((request) => request.status === 429).length).toBeLessThanOrEqual(throttledBound(requests));
    expect(maxRequestsInWindow(timesOf(accepted(requests)), MINUTE_MS)).toBeLessThanOrEqual(100);
    console.log(
      JSON.stringify({
        indicators: expected.size,
        requests: requests.length,
        shareOfLimit: Number(shareOfLimit(timesOf(requests), MINUTE_MS).toFixed(3)),
        minuteMs: MINUTE_MS,
      }),
    );
  }, 240_000);

  it("keeps two services on one principal under 100 requests in every minute together", async () => {
    const first = await createSyncService(harness, [query(["Demo Organization"], "confidence >= 0")]);
    // Two of the three owners: ~160 requests together, enough to overrun any 3-second window without pacing.
    const second = await createSyncService(harness, [query(["Demo Source"], "confidence >= 0")]);

    const jobs = await Promise.all([runJob(harness, first, "full"), runJob(harness, second, "full")]);
    const finished = await Promise.all(jobs.map((job) => waitForJobEnd(job.jobId, 180_000)));

    expect(finished.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    const requests = uploadRequests(harness);
    // A throttled request is refused before its body is read, so it names no source system.
    expect(new Set(accepted(requests).map((request) => request.sourcesystem)).size).toBe(2);
    expect(requests.filter((request) => request.status === 429).length).toBeLessThanOrEqual(throttledBound(requests));
    expect(maxRequestsInWindow(timesOf(accepted(requests)), MINUTE_MS)).toBeLessThanOrEqual(100);
  }, 240_000);
});
