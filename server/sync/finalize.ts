import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import {
  jobErrors,
  jobs,
  services,
  serviceSyncState,
  syncDeletions,
  syncStaging,
  uploadBatches,
  uploadBatchItems,
  type Job,
} from "@/db/schema";
import type { FinalJobStatus } from "@/lib/vocabulary";
import { DomainError } from "../errors";
import { getJobInOrg, isFinalStatus } from "../jobs/job-rows";
import { newRequestId } from "../jobs/request-id";
import { getServiceInOrg } from "../services/services";
import type { Scope } from "./system-scope";

export type FinalizedJob = { status: FinalJobStatus; serviceId: string };

/** Downloads and prepared objects are only needed while the job runs; batches stay as its record. */
async function clearWorkingData(db: DatabaseOrTransaction, jobId: string): Promise<void> {
  await db.delete(syncStaging).where(eq(syncStaging.jobId, jobId));
  await db.delete(syncDeletions).where(eq(syncDeletions.jobId, jobId));
  const batchesOfJob = db.select({ id: uploadBatches.id }).from(uploadBatches).where(eq(uploadBatches.jobId, jobId));
  await db.delete(uploadBatchItems).where(inArray(uploadBatchItems.batchId, batchesOfJob));
}

/**
 * Ends a job whose last batch is done: partially_succeeded when anything was rejected, failed to map or not
 * delivered, failed when no batch was delivered at all. The delta cursor moves to this job's start only when the
 * job ran to the end, so no change is ever skipped. Finalizing a finished job answers its status again.
 */
export async function finalizeJob(scope: Scope, input: { jobId: string }): Promise<FinalizedJob> {
  return scope.db.transaction(async (tx) => {
    const job = await getJobInOrg(tx, scope.orgId, { jobId: input.jobId }, { forUpdate: true });
    if (isFinalStatus(job.status)) {
      await clearWorkingData(tx, job.id);
      return { status: job.status, serviceId: job.serviceId };
    }
    if (job.status !== "running" || job.batchesRemaining > 0) {
      throw new DomainError("CONFLICT", `Job ${job.requestId} still has ${job.batchesRemaining} batches to upload`);
    }
    const [errors] = await tx.select({ errors: count() }).from(jobErrors).where(eq(jobErrors.jobId, job.id));
    const batchStatuses = await tx
      .select({ status: uploadBatches.status, batches: count() })
      .from(uploadBatches)
      .where(eq(uploadBatches.jobId, job.id))
      .groupBy(uploadBatches.status);
    const failedBatches = batchStatuses.find((row) => row.status === "failed")?.batches ?? 0;
    const status: FinalJobStatus =
      job.batchCount > 0 && failedBatches === job.batchCount
        ? "failed"
        : (errors?.errors ?? 0) > 0
          ? "partially_succeeded"
          : "succeeded";
    const now = scope.deps.now();
    await tx
      .update(jobs)
      .set({
        status,
        phase: "done",
        finishedAt: now,
        ...(status === "failed" ? { error: "No batch could be delivered to Sentinel" } : {}),
      })
      .where(eq(jobs.id, job.id));
    await clearWorkingData(tx, job.id);
    if (status === "failed") await recordFailure(tx, job, now, { exhausted: false });
    else await recordSuccess(tx, job, now);
    return { status, serviceId: job.serviceId };
  });
}

async function recordSuccess(tx: DatabaseOrTransaction, job: Job, now: Date): Promise<void> {
  // A retry of chosen records says nothing about the rest, so it moves no cursor.
  const cursor = job.indicatorIds ? {} : { deltaCursor: job.startedAt };
  await tx
    .insert(serviceSyncState)
    .values({ serviceId: job.serviceId, orgId: job.orgId, lastSucceededAt: now, ...cursor })
    .onConflictDoUpdate({
      target: serviceSyncState.serviceId,
      set: { lastSucceededAt: now, consecutiveFailures: 0, failingSince: null, ...cursor },
    });
  await tx
    .update(services)
    .set({ lastSuccessfulRunAt: now, ...(job.mode === "full" && !job.indicatorIds ? { nextRunMode: "delta" } : {}) })
    .where(and(eq(services.id, job.serviceId), eq(services.orgId, job.orgId)));
}

async function recordFailure(tx: DatabaseOrTransaction, job: Job, now: Date, options: { exhausted: boolean }) {
  await tx
    .insert(serviceSyncState)
    .values({
      serviceId: job.serviceId,
      orgId: job.orgId,
      consecutiveFailures: 1,
      failingSince: options.exhausted ? now : null,
    })
    .onConflictDoUpdate({
      target: serviceSyncState.serviceId,
      set: {
        consecutiveFailures: sql`${serviceSyncState.consecutiveFailures} + 1`,
        ...(options.exhausted
          ? { failingSince: sql`coalesce(${serviceSyncState.failingSince}, ${now.toISOString()}::timestamptz)` }
          : {}),
      },
    });
}

export type FailedJob = {
  restartScheduled: boolean;
  /** The queued restart; the caller requests it after its backoff, so the pipeline waits durably, not this verb. */
  restart?: { jobId: string; requestId: string; attempt: number; backoffMs: number };
};

/** Restarts wait 1, 2, 4 … minutes, at most an hour. */
export function restartBackoffMs(attempt: number): number {
  return Math.min(60, 2 ** Math.max(0, attempt - 1)) * 60_000;
}

/**
 * A job that could not finish: failed with the reason. It is restarted (trigger "restart") while the service's
 * max restart attempts allow and the failure could pass (an invalid TQL will not); after that the service is
 * marked failing. Failing a finished job changes nothing.
 */
export async function failJob(
  scope: Scope,
  input: { jobId: string; error: string; retryable?: boolean },
): Promise<FailedJob> {
  return scope.db.transaction(async (tx) => {
    const job = await getJobInOrg(tx, scope.orgId, { jobId: input.jobId }, { forUpdate: true });
    if (isFinalStatus(job.status)) return { restartScheduled: false };
    const service = await getServiceInOrg({ ...scope, db: tx }, { serviceId: job.serviceId });
    const now = scope.deps.now();
    await tx
      .update(jobs)
      .set({ status: "failed", phase: "done", finishedAt: now, error: input.error.slice(0, 2000) })
      .where(eq(jobs.id, job.id));
    await tx
      .update(uploadBatches)
      .set({ status: "cancelled", completedAt: now })
      .where(and(eq(uploadBatches.jobId, job.id), eq(uploadBatches.status, "pending")));
    await clearWorkingData(tx, job.id);
    const attempt = job.attempt + 1;
    const restart = input.retryable !== false && attempt <= service.maxRestartAttempts;
    await recordFailure(tx, job, now, { exhausted: !restart });
    if (!restart) return { restartScheduled: false };
    const [queued] = await tx
      .insert(jobs)
      .values({
        orgId: job.orgId,
        serviceId: job.serviceId,
        requestId: newRequestId(),
        mode: job.mode,
        trigger: "restart",
        indicatorIds: job.indicatorIds,
        restartOf: job.id,
        attempt,
        createdAt: now,
      })
      .returning({ id: jobs.id, requestId: jobs.requestId });
    if (!queued) throw new Error("restart insert returned nothing");
    return {
      restartScheduled: true,
      restart: { jobId: queued.id, requestId: queued.requestId, attempt, backoffMs: restartBackoffMs(attempt) },
    };
  });
}
