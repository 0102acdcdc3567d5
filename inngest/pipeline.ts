import type { Inngest, InngestFunction } from "inngest";
import type { Scope } from "@/server/scope";
import type { TaskScope } from "@/server/tasks";
import { createCleanOldRecords } from "./functions/clean-old-records";
import { createNotificationSweep, createNotifyJobOutcome } from "./functions/notify-service-health";
import { createRunSyncJob } from "./functions/run-sync-job";
import { createScheduleDueJobs } from "./functions/schedule-due-jobs";
import { createUploadBatch } from "./functions/upload-batch";
import { IntegrationErrorMapping } from "./middleware/integration-errors";
import { taskRecordingMiddleware } from "./middleware/task-recording";

/** What the pipeline's functions need from the process: the app builds it from `runtime`, tests from a test db. */
export interface PipelineRuntime {
  /** The system acting on one organization's rows. */
  scopeFor(orgId: string): Scope;
  /** For work that spans organizations: schedules, the cleaner, per-principal pacing and system tasks. */
  system: Pick<Scope, "db" | "deps">;
  /** Sentinel's rate-limit minute; shorter only in benchmarks and tests. */
  sentinelMinuteMs: number;
  retentionDays: number;
}

export type PipelineContext = PipelineRuntime & {
  inngest: Inngest.Any;
  /** Added to every pipeline function: errors mapped for Inngest, every task step recorded. */
  middleware: [typeof IntegrationErrorMapping, ReturnType<typeof taskRecordingMiddleware>];
};

export function createPipelineFunctions(inngest: Inngest.Any, runtime: PipelineRuntime): InngestFunction.Any[] {
  const taskScopeFor = (orgId: string | null): TaskScope => ({ ...runtime.system, orgId });
  const context: PipelineContext = {
    ...runtime,
    inngest,
    middleware: [IntegrationErrorMapping, taskRecordingMiddleware(taskScopeFor)],
  };
  return [
    createRunSyncJob(context),
    createUploadBatch(context),
    createScheduleDueJobs(context),
    createCleanOldRecords(context),
    createNotifyJobOutcome(context),
    createNotificationSweep(context),
  ];
}
