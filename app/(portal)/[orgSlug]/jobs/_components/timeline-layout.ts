/** A task as the timeline places it: where its bar starts and how wide it is, in percent of the job's span. */
export type TimelineBar = {
  leftPercent: number;
  widthPercent: number;
  /** The part of the bar spent waiting for the Azure principal's throttle, in percent of the bar. */
  waitPercent: number;
  durationMs: number;
  waitMs: number;
};

type TimedTask = { startedAt: Date; finishedAt: Date | null; counts: Record<string, number> | null };

/** The narrowest bar still visible and clickable at any zoom. */
const MIN_WIDTH_PERCENT = 0.4;

/** The span every bar is drawn against: from the first start to the last end (or now, for a task still running). */
export function timelineSpan(tasks: readonly TimedTask[], now: Date): { start: number; end: number } | null {
  if (tasks.length === 0) return null;
  const start = Math.min(...tasks.map((task) => task.startedAt.getTime()));
  const end = Math.max(...tasks.map((task) => (task.finishedAt ?? now).getTime()));
  return { start, end: Math.max(end, start + 1) };
}

export function timelineBar(task: TimedTask, span: { start: number; end: number }, now: Date): TimelineBar {
  const total = span.end - span.start;
  const started = task.startedAt.getTime();
  const durationMs = Math.max(0, (task.finishedAt ?? now).getTime() - started);
  const waitMs = Math.min(durationMs, Math.max(0, task.counts?.throttleWaitMs ?? 0));
  const leftPercent = ((started - span.start) / total) * 100;
  return {
    leftPercent: Math.min(leftPercent, 100 - MIN_WIDTH_PERCENT),
    widthPercent: Math.max(MIN_WIDTH_PERCENT, (durationMs / total) * 100),
    waitPercent: durationMs > 0 ? (waitMs / durationMs) * 100 : 0,
    durationMs,
    waitMs,
  };
}
