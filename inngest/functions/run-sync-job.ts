import {
  beginPrepare,
  downloadDeletedPage,
  downloadQueryPage,
  failJob,
  finishPrepare,
  listBatches,
  preparePart,
  startJob,
} from "@/server/sync";
import { principalKeyOfService } from "@/server/sync/pacing";
import { batchReady, jobCancelled, jobRequested, type JobRequestedData } from "../events";
import type { PipelineContext } from "../pipeline";
import { taskStep } from "../task-steps";
import { finalizeJobStep } from "./finalize-job";

/** Events per `step.sendEvent`: 10,000 batches (a 1,000,000-indicator job) fan out in 20 steps of ~120 KB. */
const FAN_OUT_CHUNK = 500;
/** While another job of the same service runs, look again after 5 s, 10 s … at most every minute. */
const busyWaitSeconds = (wait: number) => Math.min(60, 5 * 2 ** Math.min(wait - 1, 4));

/**
 * A job from request to fan-out: download every query page into staging (one step per page, so a retry fetches
 * one page again), prepare the batches (one step per part), then hand each batch to its own upload run. The last upload run finalizes
 * the job, so this run never waits on thousands of children and stays far inside Inngest's step limits.
 */
export function createRunSyncJob(context: PipelineContext) {
  return context.inngest.createFunction(
    {
      id: "run-sync-job",
      name: "Run sync job",
      triggers: [jobRequested],
      concurrency: { limit: 1, key: "event.data.serviceId" },
      cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
      retries: 4,
      middleware: context.middleware,
      onFailure: async ({ event, error, step }) => {
        // The failure event carries the event that started the failed run.
        const { orgId, serviceId, jobId } = event.data.event.data as JobRequestedData;
        const failed = await step.run("fail-job", () =>
          failJob(context.scopeFor(orgId), {
            jobId,
            error: error.message,
            // What Inngest was told never to retry (invalid TQL, refused credentials) is not worth a restart either.
            retryable: error.name !== "NonRetriableError",
          }),
        );
        if (!failed.restart) return;
        // The restart job is already queued and visible in JOBS; the wait is durable, in Inngest, not in a process.
        await step.sleep("restart-backoff", failed.restart.backoffMs);
        await step.sendEvent(
          "request-restart",
          jobRequested.create(
            { orgId, serviceId, jobId: failed.restart.jobId },
            { id: `restart-${failed.restart.jobId}` },
          ),
        );
      },
    },
    async ({ event, step, runId }) => {
      const { orgId, jobId, serviceId } = event.data;
      const scope = () => context.scopeFor(orgId);

      let start = await step.run("start", () => startJob(scope(), { jobId, runId }));
      for (let wait = 1; start.status === "busy"; wait++) {
        await step.sleep(`wait-for-running-job-${wait}`, `${busyWaitSeconds(wait)}s`);
        start = await step.run(`start-${wait}`, () => startJob(scope(), { jobId, runId }));
      }
      if (start.status !== "started") return { jobId, status: start.status };

      for (const query of start.queries) {
        const queryNumber = query.position + 1;
        let cursor: string | null = null;
        for (let page = 1; ; page++) {
          const pageStep = taskStep(
            "download",
            `query-${queryNumber}-page-${page}`,
            `Download query ${queryNumber} page ${page}`,
          );
          const downloaded = await step.run(pageStep, () =>
            downloadQueryPage(scope(), { jobId, position: query.position, page, cursor }),
          );
          if (!downloaded.next) break;
          cursor = downloaded.next;
        }
      }
      for (const [index, owner] of start.deletionOwners.entries()) {
        const ownerLabel = owner ?? "the API user's organization";
        let cursor: string | null = null;
        for (let page = 1; ; page++) {
          const pageStep = taskStep(
            "download",
            `deletions-${index + 1}-page-${page}`,
            `Download deletions of ${ownerLabel} page ${page}`,
          );
          const downloaded = await step.run(pageStep, () =>
            downloadDeletedPage(scope(), { jobId, owner, page, cursor }),
          );
          if (!downloaded.next) break;
          cursor = downloaded.next;
        }
      }

      // Prepare in parts of bounded size (about 40 for 1,000,000 indicators): a retry redoes one part, not the job.
      let progress = await step.run(taskStep("prepare", "prepare-begin", "Prepare: clear an earlier attempt"), () =>
        beginPrepare(scope(), { jobId }),
      );
      for (let part = 1; progress.cursor; part++) {
        const partProgress = progress;
        progress = await step.run(
          taskStep("prepare", `prepare-part-${part}`, `Dedupe, map and compare with what was sent, part ${part}`),
          () => preparePart(scope(), { jobId, progress: partProgress }),
        );
      }
      const finalProgress = progress;
      const prepared = await step.run(taskStep("prepare", "prepare", "Prepare: count what goes to Sentinel"), () =>
        finishPrepare(scope(), { jobId, progress: finalProgress }),
      );
      if (prepared.batches === 0) {
        const finalized = await step.run(...finalizeJobStep(context, { orgId, jobId }));
        return { jobId, status: finalized.status };
      }

      for (let chunk = 0; chunk * FAN_OUT_CHUNK < prepared.batches; chunk++) {
        const listed = await step.run(`list-batches-${chunk + 1}`, async () => ({
          principalKey: await principalKeyOfService(scope(), { serviceId }),
          batches: await listBatches(scope(), { jobId, offset: chunk * FAN_OUT_CHUNK, limit: FAN_OUT_CHUNK }),
        }));
        await step.sendEvent(
          `fan-out-${chunk + 1}`,
          listed.batches.map((batch) =>
            batchReady.create(
              {
                orgId,
                jobId,
                batchId: batch.batchId,
                principalKey: listed.principalKey,
                batchNumber: batch.seq,
                batchCount: prepared.batches,
              },
              // A replayed fan-out step sends the same ids, which Inngest routes only once.
              { id: `batch-ready-${batch.batchId}` },
            ),
          ),
        );
      }
      return { jobId, batches: prepared.batches };
    },
  );
}
