import { afterAll, beforeAll, describe, it } from "vitest";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import {
  describeKillPlan,
  expectDeliveredExactlyDespiteKills,
  killAlongPlan,
  killPlan,
} from "@/test/pipeline/kill-plan";
import { drillSeed } from "@/test/pipeline/seeded-random";
import {
  EVERY_INDICATOR_QUERY,
  createSyncService,
  expectedStixIds,
  runJob,
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
    await expectDeliveredExactlyDespiteKills(harness, {
      job,
      serviceId: service.serviceId,
      expected,
      killedIn,
      minuteMs: MINUTE_MS,
      context,
    });
  }, 240_000);
});
