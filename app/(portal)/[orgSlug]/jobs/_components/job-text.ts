import type { JobStatus, TaskKind } from "@/lib/vocabulary";
import { TASK_KIND_LABELS } from "./dashboard-types";

/**
 * The kind to show in front of a task's label, or null when the label already starts with it ("Download query 1
 * page 1"), so the timeline never reads "Download Download query 1 page 1".
 */
export function timelineKindPrefix(kind: TaskKind, label: string): string | null {
  const kindLabel = TASK_KIND_LABELS[kind];
  return new RegExp(`^${kindLabel}\\b`, "i").test(label.trim()) ? null : kindLabel;
}

type JobOutcome = {
  status: JobStatus;
  error: string | null;
  counts: { fetched: number; sent: number; revoked: number; keepAlive: number };
};

/**
 * What an empty error list means depends on how the job ended: "every record was accepted" is only true of a job
 * that finished and sent something; a failed job without record errors failed as a whole, for the job's reason.
 */
export function noErrorsText(job: JobOutcome): { title: string; body: string } {
  const accepted = job.counts.sent + job.counts.revoked + job.counts.keepAlive;
  switch (job.status) {
    case "failed":
      return {
        title: "The job failed",
        body: `No record was refused: the job failed as a whole${
          accepted > 0
            ? ` after Sentinel accepted ${accepted.toLocaleString()} records`
            : " and sent nothing to Sentinel"
        }. Reason: ${job.error ?? "not recorded"}`,
      };
    case "cancelled":
      return { title: "No errors", body: "The job was cancelled before any record was refused." };
    case "queued":
    case "running":
      return { title: "No errors so far", body: "Records refused by the mapping or by Sentinel appear here." };
    case "succeeded":
    case "partially_succeeded":
      return accepted > 0
        ? { title: "No errors", body: "Every record of this job was accepted." }
        : {
            title: "No errors",
            body:
              job.counts.fetched > 0
                ? "Nothing needed sending: every indicator was unchanged since it was last sent."
                : "The queries matched no indicator, so nothing was sent.",
          };
  }
}
