import type { FinalJobStatus } from "@/lib/vocabulary";

/** Shown beside the rate, so the number is never read as "jobs without a single refused record". */
export const SUCCESS_RATE_LEGEND =
  "Completed runs out of finished runs. Succeeded and partially succeeded runs both completed (a partial run " +
  "sent everything it could; some records were refused and are listed in Errors); failed runs did not; " +
  "cancelled runs are not counted.";

/**
 * A partially succeeded run delivered its indicators, so it counts as completed; the share of runs without any
 * refused record is kept beside it, so partial runs are neither hidden nor counted as failures.
 */
export function successRates(
  outcomes: Record<FinalJobStatus, number>,
): { completedPercent: number; cleanPercent: number; finished: number } | null {
  const finished = outcomes.succeeded + outcomes.partially_succeeded + outcomes.failed;
  if (finished === 0) return null;
  return {
    completedPercent: Math.round(((outcomes.succeeded + outcomes.partially_succeeded) / finished) * 100),
    cleanPercent: Math.round((outcomes.succeeded / finished) * 100),
    finished,
  };
}
