import { and, eq, inArray, isNotNull, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { jobErrors, jobs, services } from "@/db/schema";
import { JOB_PHASES, type JobErrorSource, type JobPhase } from "@/lib/vocabulary";
import { DomainError } from "../errors";
import { getJobInOrg } from "../jobs/job-rows";
import { requestJob } from "../jobs/jobs";
import type { Scope } from "../scope";
import { getServiceInOrg } from "../services/services";
import { decodeKeysetCursor, keysetPage } from "./cursor";
import type { ErrorFilter, ListErrorsInput } from "./report-input";

export type ErrorReportItem = {
  id: string;
  requestId: string;
  serviceId: string;
  serviceName: string;
  phase: JobPhase;
  source: JobErrorSource;
  indicatorId: string | null;
  indicatorType: string | null;
  indicatorValue: string | null;
  ownerName: string | null;
  field: string | null;
  message: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
};

const reportColumns = {
  id: jobErrors.id,
  requestId: jobs.requestId,
  serviceId: jobErrors.serviceId,
  serviceName: services.name,
  phase: jobErrors.phase,
  source: jobErrors.source,
  indicatorId: jobErrors.indicatorId,
  indicatorType: jobErrors.indicatorType,
  indicatorValue: jobErrors.indicatorValue,
  ownerName: jobErrors.ownerName,
  field: jobErrors.field,
  message: jobErrors.message,
  firstSeenAt: jobErrors.firstSeenAt,
  lastSeenAt: jobErrors.lastSeenAt,
  occurrences: jobErrors.occurrences,
};

/** The filter as SQL; a service or job of another org is NOT_FOUND, exactly like one that does not exist. */
async function errorConditions(scope: Scope, filter: ErrorFilter): Promise<SQL[]> {
  if (filter.serviceId) await getServiceInOrg(scope, { serviceId: filter.serviceId });
  const job = filter.requestId ? await getJobInOrg(scope.db, scope.orgId, { requestId: filter.requestId }) : null;
  return [
    eq(jobErrors.orgId, scope.orgId),
    filter.serviceId ? eq(jobErrors.serviceId, filter.serviceId) : undefined,
    job ? eq(jobErrors.jobId, job.id) : undefined,
    filter.phase && filter.phase.length > 0 ? inArray(jobErrors.phase, filter.phase) : undefined,
    filter.source && filter.source.length > 0 ? inArray(jobErrors.source, filter.source) : undefined,
  ].filter((condition): condition is SQL => condition !== undefined);
}

function reportQuery(scope: Scope, conditions: SQL[]) {
  return (
    scope.db
      .select(reportColumns)
      .from(jobErrors)
      .innerJoin(jobs, and(eq(jobs.id, jobErrors.jobId), eq(jobs.orgId, scope.orgId)))
      .innerJoin(services, and(eq(services.id, jobErrors.serviceId), eq(services.orgId, scope.orgId)))
      .where(and(...conditions))
      // NULLS LAST as job_errors_org_seen_idx is built; a bare DESC (NULLS FIRST) cannot be read from it.
      .orderBy(sql`${jobErrors.firstSeenAt} desc nulls last`, sql`${jobErrors.id} desc nulls last`)
  );
}

const newestFirst = (firstSeenAt: AnyColumn, id: AnyColumn) => [
  sql`${firstSeenAt} desc nulls last`,
  sql`${id} desc nulls last`,
];

/**
 * The page's error rows, before their job and service are joined. Under a service or phase filter it reads one
 * range of job_errors_org_service_phase_seen_idx per (service, phase) pair the filter allows, each cut at the page
 * size, then merged and cut again: walking the org's errors in time order and skipping the others read every error
 * of the org when the filter matched rarely, and `phase IN (…)` on an index yields no order before PostgreSQL 17.
 * A job filter reads that job's errors through job_errors_job_fingerprint_idx, whatever else is asked.
 */
function pageRows(scope: Scope, input: ListErrorsInput, conditions: SQL[]) {
  const { requestId: _requestId, serviceName: _serviceName, ...errorColumns } = reportColumns;
  const rows = (where: SQL[]) =>
    scope.db
      .select({ ...errorColumns, jobId: jobErrors.jobId })
      .from(jobErrors)
      .where(and(...where))
      .orderBy(...newestFirst(jobErrors.firstSeenAt, jobErrors.id))
      .limit(input.limit + 1);
  if (input.requestId || !(input.serviceId || input.phase?.length)) return rows(conditions).as("page_rows");
  const phases = (input.phase?.length ? input.phase : JOB_PHASES).map((phase) => sql`(${phase})`);
  const wanted = sql`(select ${services.id} as service_id, wanted_phase.phase
    from ${services} cross join (values ${sql.join(phases, sql`, `)}) as wanted_phase(phase)
    where ${and(eq(services.orgId, scope.orgId), input.serviceId ? eq(services.id, input.serviceId) : undefined)}
  ) as wanted`;
  const perPair = rows([
    ...conditions,
    sql`${jobErrors.serviceId} = wanted.service_id`,
    sql`${jobErrors.phase} = wanted.phase`,
  ]).as("per_pair");
  return scope.db
    .select(perPair._.selectedFields)
    .from(wanted)
    .crossJoinLateral(perPair)
    .orderBy(...newestFirst(perPair.firstSeenAt, perPair.id))
    .limit(input.limit + 1)
    .as("page_rows");
}

/**
 * REPORTS → ERRORS: every error of the org's jobs, newest first, keyset-paged. The page is cut before its job and
 * service are joined, so the planner cannot hash all of the org's jobs to show 50 errors.
 */
export async function listErrors(scope: Scope, input: ListErrorsInput) {
  const conditions = await errorConditions(scope, input);
  if (input.cursor) {
    const after = decodeKeysetCursor(input.cursor);
    conditions.push(
      sql`(${jobErrors.firstSeenAt}, ${jobErrors.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const page = pageRows(scope, input, conditions);
  const { jobId, ...pageColumns } = page._.selectedFields;
  const rows = await scope.db
    .select({ ...pageColumns, requestId: jobs.requestId, serviceName: services.name })
    .from(page)
    .innerJoin(jobs, and(eq(jobs.id, jobId), eq(jobs.orgId, scope.orgId)))
    .innerJoin(services, and(eq(services.id, page.serviceId), eq(services.orgId, scope.orgId)))
    .orderBy(...newestFirst(page.firstSeenAt, page.id));
  return keysetPage<ErrorReportItem>(rows, input.limit, (row) => ({ at: row.firstSeenAt, id: row.id }));
}

/** A CSV is for a spreadsheet, not a backup: past this many rows the export says to narrow the filters. */
export const MAX_EXPORTED_ERRORS = 50_000;

export async function exportErrors(scope: Scope, input: ErrorFilter): Promise<ErrorReportItem[]> {
  const rows = await reportQuery(scope, await errorConditions(scope, input)).limit(MAX_EXPORTED_ERRORS + 1);
  if (rows.length > MAX_EXPORTED_ERRORS) {
    throw new DomainError(
      "BAD_REQUEST",
      `More than ${MAX_EXPORTED_ERRORS} errors match; narrow the filters (service, phase or job) to export them`,
    );
  }
  return rows;
}

/** ThreatConnect ids go into one TQL `id IN (…)` clause, so a retry job carries a bounded list. */
export const MAX_RETRIED_RECORDS = 1_000;

/**
 * "Retry failed records": a delta job per service, restricted to the ThreatConnect indicators that have errors
 * under the filter. Errors that name no indicator (a failed page, a refused batch) have nothing to retry alone.
 */
export async function retryFailedRecords(scope: Scope, input: ErrorFilter) {
  const conditions = await errorConditions(scope, input);
  const rows = await scope.db
    .selectDistinct({ serviceId: jobErrors.serviceId, indicatorId: jobErrors.indicatorId })
    .from(jobErrors)
    .where(and(...conditions, isNotNull(jobErrors.indicatorId)))
    .orderBy(jobErrors.serviceId, jobErrors.indicatorId);
  const idsByService = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.indicatorId || !/^\d+$/.test(row.indicatorId)) continue;
    idsByService.set(row.serviceId, [...(idsByService.get(row.serviceId) ?? []), row.indicatorId]);
  }
  if (idsByService.size === 0) {
    throw new DomainError("BAD_REQUEST", "No error under these filters names a ThreatConnect indicator to retry");
  }
  for (const [serviceId, ids] of idsByService) {
    if (ids.length > MAX_RETRIED_RECORDS) {
      throw new DomainError(
        "BAD_REQUEST",
        `${ids.length} failed records match for one service; retry at most ${MAX_RETRIED_RECORDS} at a time (filter by job or phase)`,
        serviceId === input.serviceId ? "serviceId" : undefined,
      );
    }
  }
  const queued: { serviceId: string; requestId: string; indicatorCount: number }[] = [];
  for (const [serviceId, indicatorIds] of idsByService) {
    const { requestId } = await requestJob(scope, { serviceId, mode: "delta", trigger: "manual", indicatorIds });
    queued.push({ serviceId, requestId, indicatorCount: indicatorIds.length });
  }
  return { jobs: queued };
}
