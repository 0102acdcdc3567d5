"use client";

import { formatDuration, jobDurationMs, PHASE_LABELS, uploadEtaMs, type JobItem } from "./dashboard-types";
import { useIsClient, useNow } from "@/app/_components/local-time";

type ProgressJob = Pick<
  JobItem,
  "status" | "phase" | "counts" | "batches" | "startedAt" | "finishedAt" | "uploadStartedAt"
>;

/** Run time so far for a live job (after hydration, so server and browser agree), or the final duration. */
export function JobDuration({ job }: { job: ProgressJob }) {
  const isLive = job.status === "running";
  const isClient = useIsClient();
  const now = useNow(isLive && isClient);
  if (isLive && !isClient) return <span className="text-slate-400">…</span>;
  const ms = jobDurationMs(job, now);
  return ms === null ? <span className="text-slate-400">—</span> : <span>{formatDuration(ms)}</span>;
}

/**
 * A running job's progress: objects sent of those to send, batches done of all, the phase, and an ETA from the
 * upload rate measured so far. The numbers come from the polled list, so the bar moves without a reload.
 */
export function JobProgress({ job }: { job: ProgressJob }) {
  const isClient = useIsClient();
  const now = useNow(job.status === "running" && isClient);
  const { total, done } = job.batches;
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const eta = isClient && job.phase === "upload" ? uploadEtaMs(job, now) : null;
  return (
    <div className="min-w-48 space-y-1" data-testid="job-progress">
      <div className="flex items-center justify-between gap-2 text-xs text-slate-600">
        <span>{PHASE_LABELS[job.phase]}</span>
        <span>{eta !== null ? `about ${formatDuration(eta)} left` : null}</span>
      </div>
      <div
        role="progressbar"
        aria-label="Batches uploaded"
        aria-valuemin={0}
        aria-valuemax={Math.max(total, 1)}
        aria-valuenow={done}
        aria-valuetext={total > 0 ? `${done} of ${total} batches` : `${PHASE_LABELS[job.phase]}, no batches yet`}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className="bg-brand-600 h-full transition-[width] duration-500" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-slate-500">
        {job.counts.sent.toLocaleString()} of {job.counts.toSend.toLocaleString()} sent · {done} of {total} batches
      </p>
    </div>
  );
}
