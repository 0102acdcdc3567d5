/**
 * The sync pipeline's domain verbs, in the order a job calls them. The Inngest functions (inngest/functions/)
 * call these and nothing else; every verb takes `(scope, input)` with an org scope, except the system verbs
 * (dueServices, cleanOldRecords) that work across orgs. Inputs and outputs are ids and counts only.
 *
 *   requestJob        queue a job and send "sync/job.requested" (also in @/server/jobs)
 *   startJob          queued → running; "skip" if no longer queued, "busy" if another job of the service runs;
 *                     pass the run id so a replayed start answers "started" again
 *   downloadQueryPage one page of one query into staging; call with cursor null, then each `next` until null
 *   downloadDeletedPage  delta only: one page of deletions of one of `deletionOwners`, same cursor protocol
 *   prepareJob        dedupe, map, compare with the sent-state, write batches of ≤ 100; returns `batches`
 *                     (the pipeline runs it in parts: beginPrepare, then preparePart until `cursor` is null,
 *                     then finishPrepare, each part resumable on its own)
 *   listBatches       the batches' ids and 1-based seq, by offset/limit, for the fan-out
 *   uploadBatch       one batch to Sentinel (throws the client's IntegrationError on 429/5xx to be retried)
 *   completeBatch     count a batch down once (with `error` when it failed for good); remaining 0 → finalizeJob
 *   finalizeJob       final status and counts, delta cursor, staging cleared; idempotent
 *   failJob           failed with the reason; when `restartScheduled`, the caller waits `restart.backoffMs` and
 *                     sends "sync/job.requested" for `restart.jobId` (the restart job is already queued)
 *   dueServices       services whose schedule interval has passed and that have nothing queued or running
 *   cleanOldRecords   the daily cleaner
 */
export { requestJob, cancelJob, type RequestJobInput } from "../jobs/jobs";
export { DELTA_OVERLAP_MS, dueServices, startJob, type DueService, type StartedJob } from "./start-job";
export { downloadDeletedPage, downloadQueryPage, type DownloadedPage } from "./download";
export {
  beginPrepare,
  finishPrepare,
  prepareJob,
  preparePart,
  type PreparedJob,
  type PrepareProgress,
} from "./prepare";
export { completeBatch, listBatches, uploadBatch, type UploadedBatch } from "./upload";
export { failJob, finalizeJob, restartBackoffMs, type FailedJob, type FinalizedJob } from "./finalize";
export { cleanOldRecords, type CleanedRecords } from "./cleaner";
export type { Scope, SystemScope } from "./system-scope";
