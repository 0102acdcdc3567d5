import { and, eq, inArray } from "drizzle-orm";
import { jobs, syncStaging, uploadBatches, uploadBatchItems, type Job } from "@/db/schema";
import type { JobTrigger, RunMode } from "@/lib/vocabulary";
import { DomainError } from "../errors";
import type { Scope } from "../scope";
import { getServiceInOrg } from "../services/services";
import { getJobInOrg, isFinalStatus } from "./job-rows";
import { newRequestId } from "./request-id";

export type RequestJobInput = {
  serviceId: string;
  mode: RunMode;
  trigger: JobTrigger;
  /** "Retry failed records": download only these ThreatConnect indicators. */
  indicatorIds?: string[];
  /** A restart names the failed job it repeats. */
  restartOf?: { jobId: string; attempt: number };
};

/**
 * Queues a job and tells the pipeline. The pipeline runs one job per service at a time, so a job requested while
 * another runs waits in the queue; it is never dropped.
 */
export async function requestJob(scope: Scope, input: RequestJobInput): Promise<{ jobId: string; requestId: string }> {
  await getServiceInOrg(scope, { serviceId: input.serviceId });
  const [job] = await scope.db
    .insert(jobs)
    .values({
      orgId: scope.orgId,
      serviceId: input.serviceId,
      requestId: newRequestId(),
      mode: input.mode,
      trigger: input.trigger,
      indicatorIds: input.indicatorIds && input.indicatorIds.length > 0 ? input.indicatorIds : null,
      restartOf: input.restartOf?.jobId ?? null,
      attempt: input.restartOf?.attempt ?? 0,
      createdAt: scope.deps.now(),
    })
    .returning({ id: jobs.id, requestId: jobs.requestId });
  if (!job) throw new Error("job insert returned nothing");
  try {
    await scope.deps.events.send([
      { name: "sync/job.requested", data: { orgId: scope.orgId, serviceId: input.serviceId, jobId: job.id } },
    ]);
  } catch (error) {
    // A queued job nothing will ever run would sit in JOBS forever; it fails visibly instead.
    await scope.db
      .update(jobs)
      .set({
        status: "failed",
        phase: "done",
        finishedAt: scope.deps.now(),
        error: "The job could not be handed to the sync pipeline",
      })
      .where(eq(jobs.id, job.id));
    throw error;
  }
  return { jobId: job.id, requestId: job.requestId };
}

/**
 * Stops a queued or running job: no batch not yet sent is sent. A batch already on its way still records what
 * Sentinel accepted, so the sent-state stays exact.
 */
export async function cancelJob(scope: Scope, input: { requestId: string }): Promise<{ status: Job["status"] }> {
  const cancelled = await scope.db.transaction(async (tx) => {
    const job = await getJobInOrg(tx, scope.orgId, { requestId: input.requestId }, { forUpdate: true });
    if (job.status === "cancelled") return null;
    if (isFinalStatus(job.status)) {
      throw new DomainError(
        "CONFLICT",
        `Job ${job.requestId} already finished (${job.status}); there is nothing to cancel`,
      );
    }
    const now = scope.deps.now();
    await tx.update(jobs).set({ status: "cancelled", phase: "done", finishedAt: now }).where(eq(jobs.id, job.id));
    const pending = tx
      .select({ id: uploadBatches.id })
      .from(uploadBatches)
      .where(and(eq(uploadBatches.jobId, job.id), eq(uploadBatches.status, "pending")));
    await tx.delete(uploadBatchItems).where(inArray(uploadBatchItems.batchId, pending));
    await tx
      .update(uploadBatches)
      .set({ status: "cancelled", completedAt: now })
      .where(and(eq(uploadBatches.jobId, job.id), eq(uploadBatches.status, "pending")));
    await tx.delete(syncStaging).where(eq(syncStaging.jobId, job.id));
    return job;
  });
  if (cancelled) {
    await scope.deps.events.send([{ name: "sync/job.cancelled", data: { orgId: scope.orgId, jobId: cancelled.id } }]);
  }
  return { status: "cancelled" };
}
