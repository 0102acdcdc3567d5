import { and, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { jobs, type Job } from "@/db/schema";
import { notFound } from "../errors";

/** Every read of a job goes through the org id, so another org's job answers NOT_FOUND like a missing one. */
export async function getJobInOrg(
  db: DatabaseOrTransaction,
  orgId: string,
  where: { jobId: string } | { requestId: string },
  options: { forUpdate?: boolean } = {},
): Promise<Job> {
  const match = "jobId" in where ? eq(jobs.id, where.jobId) : eq(jobs.requestId, where.requestId.toUpperCase());
  const query = db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), match));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("Job");
  return row;
}

export type JobCounts = {
  fetched: number;
  downloadRejected: number;
  duplicates: number;
  unchanged: number;
  toSend: number;
  keepAlive: number;
  sent: number;
  revoked: number;
  rejected: number;
  mappingErrors: number;
  deleted: number;
};

export function countsOf(
  job: Pick<
    Job,
    | "fetchedCount"
    | "downloadRejectedCount"
    | "duplicateCount"
    | "unchangedCount"
    | "toSendCount"
    | "keepAliveCount"
    | "sentCount"
    | "revokedCount"
    | "rejectedCount"
    | "mappingErrorCount"
    | "deletedCount"
  >,
): JobCounts {
  return {
    fetched: job.fetchedCount,
    downloadRejected: job.downloadRejectedCount,
    duplicates: job.duplicateCount,
    unchanged: job.unchangedCount,
    toSend: job.toSendCount,
    keepAlive: job.keepAliveCount,
    sent: job.sentCount,
    revoked: job.revokedCount,
    rejected: job.rejectedCount,
    mappingErrors: job.mappingErrorCount,
    deleted: job.deletedCount,
  };
}

export const isFinalStatus = (status: Job["status"]) => status !== "queued" && status !== "running";
