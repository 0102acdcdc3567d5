import { and, eq, inArray, isNull, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { jobs, tasks } from "@/db/schema";
import { TASK_KINDS, TASK_STATUSES, type TaskKind, type TaskStatus } from "@/lib/vocabulary";
import { getJobInOrg } from "../jobs/job-rows";
import type { Scope } from "../scope";
import { decodeKeysetCursor, keysetPage } from "./cursor";
import type { ListTasksInput } from "./report-input";

export type TaskListItem = {
  id: string;
  kind: TaskKind;
  label: string;
  status: TaskStatus;
  attempt: number;
  /** Null for system work (the cleaner), which belongs to no job. */
  requestId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number> | null;
  error: string | null;
};

// NULLS LAST as the indexes are built (drizzle's .desc() in an index); a bare DESC means NULLS FIRST in Postgres
// and cannot be read from them, so every page would sort all of the org's tasks.
const newestFirst = (startedAt: AnyColumn, id: AnyColumn) => [
  sql`${startedAt} desc nulls last`,
  sql`${id} desc nulls last`,
];

const taskColumns = {
  id: tasks.id,
  kind: tasks.kind,
  label: tasks.label,
  status: tasks.status,
  attempt: tasks.attempt,
  jobId: tasks.jobId,
  startedAt: tasks.startedAt,
  finishedAt: tasks.finishedAt,
  counts: tasks.counts,
  error: tasks.error,
};

/**
 * The shown columns, with the job's request id looked up per shown row: PostgreSQL evaluates this after the page
 * is cut, while a join let the planner hash all of the org's jobs before reading one page of tasks.
 */
function listColumns<TColumns extends { jobId: AnyColumn }>(scope: Scope, { jobId, ...columns }: TColumns) {
  return {
    ...columns,
    requestId: sql<string | null>`(${scope.db
      .select({ requestId: jobs.requestId })
      .from(jobs)
      .where(and(eq(jobs.id, jobId), eq(jobs.orgId, scope.orgId)))})`,
  };
}

/** A page of the tasks matching `where`, newest first, read in the order of the index that leads with its owner. */
function pageOf(scope: Scope, where: SQL | undefined, limit: number) {
  return scope.db
    .select(listColumns(scope, taskColumns))
    .from(tasks)
    .where(where)
    .orderBy(...newestFirst(tasks.startedAt, tasks.id))
    .limit(limit + 1);
}

/**
 * A page of the org's tasks under a kind or status filter: one range of tasks_org_kind_status_started_idx per
 * (kind, status) pair the filter allows, each cut at the page size, then merged and cut again. Walking the org's
 * tasks in time order and skipping the others read every task of the org when a filter matches rarely (failed
 * uploads), and `kind IN (…)` on an index yields no order before PostgreSQL 17.
 */
function filteredPageOf(scope: Scope, input: ListTasksInput, where: SQL | undefined) {
  const pairs = (input.kind?.length ? input.kind : TASK_KINDS).flatMap((kind) =>
    (input.status?.length ? input.status : TASK_STATUSES).map((status) => sql`(${kind}, ${status})`),
  );
  const perPair = scope.db
    .select(taskColumns)
    .from(tasks)
    .where(and(where, sql`${tasks.kind} = wanted.kind`, sql`${tasks.status} = wanted.status`))
    .orderBy(...newestFirst(tasks.startedAt, tasks.id))
    .limit(input.limit + 1)
    .as("per_pair");
  return scope.db
    .select(listColumns(scope, perPair._.selectedFields))
    .from(sql`(values ${sql.join(pairs, sql`, `)}) as wanted(kind, status)`)
    .crossJoinLateral(perPair)
    .orderBy(...newestFirst(perPair.startedAt, perPair.id))
    .limit(input.limit + 1);
}

/**
 * Every task of the org's jobs plus the system's own (the cleaner, recorded without an org), newest first. Another
 * org's tasks are never matched: a task row carries its org, and a job filter resolves the request id in this org.
 */
export async function listTasks(scope: Scope, input: ListTasksInput) {
  const job = input.requestId ? await getJobInOrg(scope.db, scope.orgId, { requestId: input.requestId }) : null;
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
  const before = after
    ? sql`(${tasks.startedAt}, ${tasks.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
    : undefined;
  const filtered = and(
    before,
    input.kind?.length ? inArray(tasks.kind, input.kind) : undefined,
    input.status?.length ? inArray(tasks.status, input.status) : undefined,
  );
  if (job) {
    const rows = await pageOf(scope, and(eq(tasks.jobId, job.id), filtered), input.limit);
    return keysetPage<TaskListItem>(rows, input.limit, (row) => ({ at: row.startedAt, id: row.id }));
  }
  // The org's tasks and the system's are read as two pages and merged in one statement: one
  // `org_id = $1 OR org_id IS NULL` cannot walk the (org_id, started_at, id) index in order. The merge orders by the
  // output's column names, which are the database's.
  const systemPage = pageOf(scope, and(isNull(tasks.orgId), filtered), input.limit);
  const orgOnly = and(eq(tasks.orgId, scope.orgId), before);
  const merged =
    input.kind?.length || input.status?.length
      ? filteredPageOf(scope, input, orgOnly).unionAll(systemPage)
      : pageOf(scope, orgOnly, input.limit).unionAll(systemPage);
  const rows = await merged.orderBy(sql`started_at desc nulls last`, sql`id desc nulls last`).limit(input.limit + 1);
  return keysetPage<TaskListItem>(rows, input.limit, (row) => ({ at: row.startedAt, id: row.id }));
}
