import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { JOB_PHASES, type JobPhase } from "@/lib/vocabulary";
import { sentState, type Job } from "@/db/schema";
import { uploadsInFlightPerPrincipal } from "@/server/sync/pacing";
import { testDb } from "@/test/db";
import { seededRandom } from "./seeded-random";
import { jobRow, storedObjects, uploadRequests, waitUntil, type ScenarioHarness } from "./scenario";

/**
 * Where a kill drill strikes one full update: once the job reaches the download or prepare phase, then after two
 * counts of batches Sentinel accepted, all drawn from the seed, so a printed seed replays the same points.
 */
export type KillPlan = { firstPhase: JobPhase; firstBatches: number; secondBatches: number };

export function killPlan(seed: number): KillPlan {
  const random = seededRandom(seed);
  const firstPhase: JobPhase = random() < 0.5 ? "download" : "prepare";
  const firstBatches = 5 + Math.floor(random() * 80);
  const secondBatches = firstBatches + 20 + Math.floor(random() * 80);
  return { firstPhase, firstBatches, secondBatches };
}

export function describeKillPlan(seed: number, plan: KillPlan): string {
  return `seed ${seed}: kills in ${plan.firstPhase}, after ${plan.firstBatches} and ${plan.secondBatches} batches`;
}

export const acceptedBatches = (harness: ScenarioHarness) =>
  uploadRequests(harness).filter((request) => request.status === 200).length;

/**
 * Runs `kill` (a kill -9 and restart) at each point of the plan, or at once if the job ended first; returns where each
 * kill landed. `check` runs on every poll, so a drill can fail fast when something it watches has died.
 */
export async function killAlongPlan(input: {
  harness: ScenarioHarness;
  jobId: string;
  plan: KillPlan;
  kill: () => Promise<void>;
  check?: () => void;
}): Promise<string[]> {
  const { harness, jobId, plan } = input;
  const landed: string[] = [];
  const killWhen = async (what: string, reached: (phase: JobPhase) => boolean) => {
    const phase = await waitUntil(what, 120_000, async () => {
      input.check?.();
      const job = await jobRow(jobId);
      return reached(job.phase) || job.finishedAt ? job.phase : undefined;
    });
    landed.push(`${phase} after ${acceptedBatches(harness)} batches`);
    await input.kill();
  };
  const firstPhaseIndex = JOB_PHASES.indexOf(plan.firstPhase);
  await killWhen(`phase ${plan.firstPhase}`, (phase) => JOB_PHASES.indexOf(phase) >= firstPhaseIndex);
  await killWhen(`${plan.firstBatches} batches`, () => acceptedBatches(harness) >= plan.firstBatches);
  await killWhen(`${plan.secondBatches} batches`, () => acceptedBatches(harness) >= plan.secondBatches);
  return landed;
}

/**
 * What a kill drill asserts once its job ended: it succeeded, Sentinel's store and the service's sent-state both
 * equal the expected set, and only batches whose answer a kill cut off went twice (Sentinel keeps one copy of each
 * object), so at most the uploads in flight at each kill.
 */
export async function expectDeliveredExactlyDespiteKills(
  harness: ScenarioHarness,
  input: {
    job: Pick<Job, "status" | "error">;
    serviceId: string;
    expected: Set<string>;
    killedIn: string[];
    minuteMs: number;
    context: string;
  },
): Promise<void> {
  const { job, expected, context } = input;
  expect([job.status, job.error], context).toEqual(["succeeded", null]);
  const stored = new Set(storedObjects(harness).map((object) => object.id as string));
  expect(stored, context).toEqual(expected);
  const sent = await testDb.select().from(sentState).where(eq(sentState.serviceId, input.serviceId));
  expect(new Set(sent.map((row) => row.stixId)), context).toEqual(expected);
  const accepted = uploadRequests(harness)
    .filter((request) => request.status === 200)
    .reduce((sum, request) => sum + (request.objectCount ?? 0), 0);
  const inFlight = uploadsInFlightPerPrincipal(input.minuteMs);
  expect(accepted - expected.size, context).toBeLessThanOrEqual(100 * inFlight * input.killedIn.length);
}
