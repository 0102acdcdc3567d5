import { and, count, eq, gte, lte, sql } from "drizzle-orm";
import { jobErrors, sentState } from "@/db/schema";
import { getJobInOrg } from "../jobs/job-rows";
import type { Scope } from "../scope";

export type TypeCount = { type: string; count: number };

/**
 * A job's counts by indicator type. Prepared objects are cleared when a job ends, so what it sent is read from the
 * sent-state: the indicators whose latest accepted send fell inside the job's run (a later job that re-sends one
 * moves it there). Errors are counted from the job's own error rows.
 */
export async function getJobBreakdown(scope: Scope, input: { requestId: string }) {
  const job = await getJobInOrg(scope.db, scope.orgId, { requestId: input.requestId });
  const errorType = sql<string>`coalesce(${jobErrors.indicatorType}, 'No indicator')`;
  const [sent, errors] = await Promise.all([
    job.startedAt
      ? scope.db
          .select({ type: sentState.indicatorType, count: count() })
          .from(sentState)
          .where(
            and(
              eq(sentState.orgId, scope.orgId),
              eq(sentState.serviceId, job.serviceId),
              gte(sentState.lastSentAt, job.startedAt),
              lte(sentState.lastSentAt, job.finishedAt ?? scope.deps.now()),
            ),
          )
          .groupBy(sentState.indicatorType)
          .orderBy(sentState.indicatorType)
      : Promise.resolve([]),
    scope.db
      .select({ type: errorType, count: count() })
      .from(jobErrors)
      .where(and(eq(jobErrors.orgId, scope.orgId), eq(jobErrors.jobId, job.id)))
      .groupBy(errorType)
      .orderBy(errorType),
  ]);
  return { sent: sent satisfies TypeCount[], errors: errors satisfies TypeCount[] };
}
