import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentState } from "@/db/schema";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { QueryDefinition } from "@/server/services/query-input";
import { testDb } from "@/test/db";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import {
  createSyncService,
  expectedStixIds,
  runJob,
  storedObjects,
  uploadRequests,
  waitForJobEnd,
  waitUntil,
} from "@/test/pipeline/scenario";

const QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

let harness: PipelineHarness;

beforeAll(async () => {
  // Slow Sentinel answers keep uploads in flight, so the kill lands in the middle of one.
  harness = await startPipelineHarness({
    indicators: 3000,
    seed: 9,
    minuteMs: 3000,
    engine: "process",
    azureFaults: { latencyMs: 120 },
  });
});

afterAll(async () => {
  await harness?.close();
});

describe("the engine killed with SIGKILL in the middle of the uploads", () => {
  it("completes the job after a restart with nothing lost and the exact final state", async () => {
    const service = await createSyncService(harness, QUERIES);
    const expected = await expectedStixIds(harness, QUERIES);
    const { jobId } = await runJob(harness, service, "full");
    await waitUntil("uploads to be under way", 60_000, () => (uploadRequests(harness).length >= 5 ? true : undefined));

    await harness.restartEngineHard();
    const requestsAtRestart = uploadRequests(harness).length;
    const job = await waitForJobEnd(jobId, 120_000);

    expect([job.status, job.error]).toEqual(["succeeded", null]);
    const stored = storedObjects(harness).map((object) => object.id as string);
    expect(new Set(stored)).toEqual(expected);
    const sent = await testDb.select().from(sentState).where(eq(sentState.serviceId, service.serviceId));
    expect(new Set(sent.map((row) => row.stixId))).toEqual(expected);
    expect(job.sentCount).toBe(expected.size);
    // The restarted engine, not the first one, delivered the rest.
    expect(uploadRequests(harness).length).toBeGreaterThan(requestsAtRestart);
  }, 180_000);
});
