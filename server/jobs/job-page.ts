import { and, eq, gte, inArray, like, lt, sql, type AnyColumn } from "drizzle-orm";
import { jobs, services, type Job } from "@/db/schema";
import { JOB_STATUSES } from "@/lib/vocabulary";
import type { Scope } from "../scope";
import type { ListJobsInput } from "./job-input";

export type JobPosition = { createdAt: Date; id: string };

/**
 * What a JOBS row shows. The rest of a job stays in the database: a retry job's indicator ids (up to 1,000) and
 * every job's copied query list would be read and parsed 50 times a page for nothing.
 */
const jobListColumns = {
  id: jobs.id,
  serviceId: jobs.serviceId,
  requestId: jobs.requestId,
  mode: jobs.mode,
  trigger: jobs.trigger,
  status: jobs.status,
  phase: jobs.phase,
  fetchedCount: jobs.fetchedCount,
  downloadRejectedCount: jobs.downloadRejectedCount,
  duplicateCount: jobs.duplicateCount,
  unchangedCount: jobs.unchangedCount,
  toSendCount: jobs.toSendCount,
  keepAliveCount: jobs.keepAliveCount,
  sentCount: jobs.sentCount,
  revokedCount: jobs.revokedCount,
  rejectedCount: jobs.rejectedCount,
  mappingErrorCount: jobs.mappingErrorCount,
  deletedCount: jobs.deletedCount,
  batchCount: jobs.batchCount,
  batchesRemaining: jobs.batchesRemaining,
  createdAt: jobs.createdAt,
  startedAt: jobs.startedAt,
  finishedAt: jobs.finishedAt,
};
export type JobListRow = Pick<Job, keyof typeof jobListColumns>;

// NULLS LAST as the indexes are built (drizzle's .desc() in an index); a bare DESC (NULLS FIRST) cannot be read from
// them and sorts the org.
const newestFirst = (createdAt: AnyColumn, id: AnyColumn) => [
  sql`${createdAt} desc nulls last`,
  sql`${id} desc nulls last`,
];

/**
 * One page (plus one row, to tell whether another follows) of the org's jobs, newest first. Without a service or
 * status filter it walks jobs_org_created_idx. With one, it reads one range of jobs_org_service_status_created_idx
 * per (service, status) pair the filter allows, each cut at the page size, and merges them: walking the org's jobs
 * in time order and skipping the rest read every job of the org when the filter matched rarely (one service's failed
 * jobs), and `status IN (…)` on an index yields no order before PostgreSQL 17. A request id prefix keeps the walk,
 * so that the planner may take jobs_org_request_id_prefix_idx instead.
 */
export function readJobPage(scope: Scope, input: ListJobsInput, after: JobPosition | undefined): Promise<JobListRow[]> {
  const conditions = and(
    eq(jobs.orgId, scope.orgId),
    input.requestId ? like(jobs.requestId, `${input.requestId.toUpperCase()}%`) : undefined,
    input.createdFrom ? gte(jobs.createdAt, input.createdFrom) : undefined,
    input.createdTo ? lt(jobs.createdAt, input.createdTo) : undefined,
    after
      ? sql`(${jobs.createdAt}, ${jobs.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`
      : undefined,
  );
  const statuses = input.status?.length ? input.status : undefined;
  if (input.requestId || (!input.serviceId && !statuses)) {
    return scope.db
      .select(jobListColumns)
      .from(jobs)
      .where(
        and(
          conditions,
          input.serviceId ? eq(jobs.serviceId, input.serviceId) : undefined,
          statuses ? inArray(jobs.status, statuses) : undefined,
        ),
      )
      .orderBy(...newestFirst(jobs.createdAt, jobs.id))
      .limit(input.limit + 1);
  }
  const wanted = sql`(select ${services.id} as service_id, wanted_status.status from ${services}
    cross join (values ${sql.join(
      (statuses ?? JOB_STATUSES).map((status) => sql`(${status})`),
      sql`, `,
    )}) as wanted_status(status)
    where ${and(eq(services.orgId, scope.orgId), input.serviceId ? eq(services.id, input.serviceId) : undefined)}
  ) as wanted`;
  const perPair = scope.db
    .select(jobListColumns)
    .from(jobs)
    .where(and(conditions, sql`${jobs.serviceId} = wanted.service_id`, sql`${jobs.status} = wanted.status`))
    .orderBy(...newestFirst(jobs.createdAt, jobs.id))
    .limit(input.limit + 1)
    .as("per_pair");
  return scope.db
    .select(perPair._.selectedFields)
    .from(wanted)
    .crossJoinLateral(perPair)
    .orderBy(...newestFirst(perPair.createdAt, perPair.id))
    .limit(input.limit + 1);
}
