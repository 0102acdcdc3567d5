import { completeBatch } from "@/server/sync";
import { requestTurn, uploadsInFlightPerPrincipal } from "@/server/sync/pacing";
import { uploadAndCompleteBatch } from "@/server/sync/upload";
import { batchReady, jobCancelled, type BatchReadyData } from "../events";
import type { PipelineContext } from "../pipeline";
import { taskStep } from "../task-steps";
import { finalizeJobStep } from "./finalize-job";

/** Enough for Sentinel's throttling and outages to pass; every retry waits as long as Sentinel or Inngest says. */
const UPLOAD_RETRIES = 10;

/**
 * One batch of ≤ 100 objects to Sentinel. Concurrency keyed by Azure principal plus a start reserved in Postgres
 * is what holds Sentinel's 100 requests per minute across every service sharing the principal: Inngest's throttle
 * would admit a whole burst at once and leave the retries unthrottled, while every attempt here, retries
 * included, waits for its own reserved start. The run that completes the job's last batch finalizes the job.
 */
export function createUploadBatch(context: PipelineContext) {
  async function countDown(orgId: string, jobId: string, batchId: string, error?: string) {
    const scope = context.scopeFor(orgId);
    return completeBatch(scope, { jobId, batchId, ...(error === undefined ? {} : { error }) });
  }

  return context.inngest.createFunction(
    {
      id: "upload-batch",
      name: "Upload batch",
      triggers: [batchReady],
      concurrency: { limit: uploadsInFlightPerPrincipal(context.sentinelMinuteMs), key: "event.data.principalKey" },
      cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
      retries: UPLOAD_RETRIES,
      middleware: context.middleware,
      onFailure: async ({ event, error, step }) => {
        // The failure event carries the event that started the failed run.
        const { orgId, jobId, batchId } = event.data.event.data as BatchReadyData;
        const { remaining } = await step.run("complete-failed-batch", () =>
          countDown(orgId, jobId, batchId, error.message),
        );
        if (remaining === 0) await step.run(...finalizeJobStep(context, { orgId, jobId }));
      },
    },
    async ({ event, step }) => {
      const { orgId, jobId, batchId, principalKey, batchNumber, batchCount } = event.data;
      // Uploading and counting the batch down share one step: one engine round trip fewer per batch, and both
      // verbs are idempotent, so a replayed step neither re-sends a delivered batch nor counts it twice.
      const uploaded = await step.run(
        taskStep("upload", "upload", `Upload batch ${batchNumber} of ${batchCount}`),
        async () => {
          const turn = requestTurn(context.system, { principalKey, minuteMs: context.sentinelMinuteMs });
          const outcome = await uploadAndCompleteBatch(context.scopeFor(orgId), { jobId, batchId, turn });
          return { ...outcome, throttleWaitMs: turn.waitedMs() };
        },
      );
      const { remaining } = uploaded;
      if (remaining > 0) return uploaded;
      const finalized = await step.run(...finalizeJobStep(context, { orgId, jobId }));
      return { ...uploaded, jobStatus: finalized.status };
    },
  );
}
