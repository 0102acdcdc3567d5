import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentState } from "@/db/schema";
import { uploadsInFlightPerPrincipal } from "@/server/sync/pacing";
import { testDb } from "@/test/db";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import { describeKillPlan, killAlongPlan, killPlan } from "@/test/pipeline/kill-plan";
import { drillSeed } from "@/test/pipeline/seeded-random";
import {
  EVERY_INDICATOR_QUERY,
  createSyncService,
  expectedStixIds,
  runJob,
  storedObjects,
  uploadRequests,
  waitForJobEnd,
} from "@/test/pipeline/scenario";

/**
 * The engine process killed with SIGKILL three times during one 20,000-indicator full update and started again: the
 * restarted engine finishes the job and Sentinel holds exactly the expected set; only batches whose answer a kill cut
 * off go twice. The kill points come from a seed printed in the test's name (DRILL_SEED=<seed> replays them): once the
 * job reaches the download or prepare phase, then after two seeded counts of batches Sentinel accepted.
 */
const INDICATORS = 20_000;
const MINUTE_MS = 2000;
const SEED = drillSeed();
const KILLS = killPlan(SEED);

let harness: PipelineHarness;

beforeAll(async () => {
  harness = await startPipelineHarness({ indicators: INDICATORS, seed: 21, minuteMs: MINUTE_MS, engine: "process" });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

describe("the engine killed -9 at seeded moments of a 20,000-indicator full update", () => {
  it(`completes with the exact set (${describeKillPlan(SEED, KILLS)})`, async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    const expected = await expectedStixIds(harness, EVERY_INDICATOR_QUERY);
    const { jobId } = await runJob(harness, service, "full");

    const killedIn = await killAlongPlan({ harness, jobId, plan: KILLS, kill: () => harness.restartEngineHard() });
    const job = await waitForJobEnd(jobId, 150_000);

    const context = `seed ${SEED}, killed in ${killedIn.join("; ")}`;
    expect([job.status, job.error], context).toEqual(["succeeded", null]);
    const stored = new Set(storedObjects(harness).map((object) => object.id as string));
    expect(stored, context).toEqual(expected);
    const sent = await testDb.select().from(sentState).where(eq(sentState.serviceId, service.serviceId));
    expect(new Set(sent.map((row) => row.stixId)), context).toEqual(expected);
    const accepted = uploadRequests(harness)
      .filter((request) => request.status === 200)
      .reduce((sum, request) => sum + (request.objectCount ?? 0), 0);
    // Only batches whose answer a kill cut off may go twice (Sentinel keeps one copy): at most those in flight.
    const inFlight = uploadsInFlightPerPrincipal(MINUTE_MS);
    expect(accepted - expected.size, context).toBeLessThanOrEqual(100 * inFlight * killedIn.length);
  }, 240_000);
});
