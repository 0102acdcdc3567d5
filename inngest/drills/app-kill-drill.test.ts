import { afterAll, beforeAll, describe, it } from "vitest";
import { startAppProcessHarness, type AppProcessHarness } from "@/test/pipeline/app-process-harness";
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
 * The app's process (its Inngest endpoint, as the portal serves it) killed with SIGKILL three times during one
 * 20,000-indicator full update and started again: the engine retries what the dead app did not answer, and the job
 * still ends succeeded with Sentinel's store and the sent-state equal to the expected set. The kill points come from
 * a seed printed in the test's name (DRILL_SEED=<seed> replays them): once the job reaches the download or prepare
 * phase, then after two seeded counts of batches Sentinel accepted.
 */
const INDICATORS = 20_000;
const MINUTE_MS = 2000;
const SEED = drillSeed();
const KILLS = killPlan(SEED);

let harness: AppProcessHarness;

beforeAll(async () => {
  harness = await startAppProcessHarness({ indicators: INDICATORS, seed: 20, minuteMs: MINUTE_MS });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

describe("the app killed -9 at seeded moments of a 20,000-indicator full update", () => {
  it(`completes with the exact set (${describeKillPlan(SEED, KILLS)})`, async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    const expected = await expectedStixIds(harness, EVERY_INDICATOR_QUERY);
    const { jobId } = await runJob(harness, service, "full");

    const killedIn = await killAlongPlan({
      harness,
      jobId,
      plan: KILLS,
      kill: () => harness.restartAppHard(),
      check: () => harness.assertAppAlive(),
    });
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
