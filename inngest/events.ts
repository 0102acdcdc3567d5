import { eventType, staticSchema } from "inngest";
import type { FinalJobStatus } from "@/lib/vocabulary";

/*
 * The sync pipeline's events. Payloads carry ids and counts only: never indicators or secrets, so every event
 * stays far below Inngest's 256 KiB limit and nothing sensitive is stored in the Inngest server's event log.
 */

export type JobRequestedData = { orgId: string; serviceId: string; jobId: string };
export const jobRequested = eventType("sync/job.requested", { schema: staticSchema<JobRequestedData>() });

export const jobCancelled = eventType("sync/job.cancelled", {
  schema: staticSchema<{ orgId: string; jobId: string }>(),
});

/** One upload run per batch; `principalKey` keys the per-Azure-principal concurrency that paces Sentinel requests. */
export type BatchReadyData = {
  orgId: string;
  jobId: string;
  batchId: string;
  principalKey: string;
  /** 1-based position and total, for the task label "Upload batch 17 of 240". */
  batchNumber: number;
  batchCount: number;
};
export const batchReady = eventType("sync/batch.ready", { schema: staticSchema<BatchReadyData>() });

export const jobFinished = eventType("sync/job.finished", {
  schema: staticSchema<{ orgId: string; jobId: string; status: FinalJobStatus }>(),
});

/** Runs the cleaner now rather than at its daily time, for operators (and tests). */
export const cleanerRequested = eventType("sync/cleaner.requested");
