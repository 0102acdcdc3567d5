import { JOB_PHASES, type JobPhase } from "@/lib/vocabulary";
import { seededRandom } from "./seeded-random";
import { jobRow, uploadRequests, waitUntil, type ScenarioHarness } from "./scenario";

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
