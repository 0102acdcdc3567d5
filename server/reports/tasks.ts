import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { jobs, tasks } from "@/db/schema";
import type { TaskKind, TaskStatus } from "@/lib/vocabulary";
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

/**
 * Every task of the org's jobs plus the system's own (the cleaner, recorded without an org), newest first. Another
 * org's tasks are never matched: a task row carries its org, and a job filter resolves the request id in this org.
 */
export async function listTasks(scope: Scope, input: ListTasksInput) {
  const job = input.requestId ? await getJobInOrg(scope.db, scope.orgId, { requestId: input.requestId }) : null;
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
  const pageWhere = (owner: SQL | undefined) =>
    scope.db
      .select({
        id: tasks.id,
        kind: tasks.kind,
        label: tasks.label,
        status: tasks.status,
        attempt: tasks.attempt,
        requestId: jobs.requestId,
        startedAt: tasks.startedAt,
        finishedAt: tasks.finishedAt,
        counts: tasks.counts,
        error: tasks.error,
      })
      .from(tasks)
      .leftJoin(jobs, and(eq(jobs.id, tasks.jobId), eq(jobs.orgId, scope.orgId)))
      .where(
        and(
          owner,
          input.kind && input.kind.length > 0 ? inArray(tasks.kind, input.kind) : undefined,
          input.status && input.status.length > 0 ? inArray(tasks.status, input.status) : undefined,
          after
            ? sql`(${tasks.startedAt}, ${tasks.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      // NULLS LAST as the index is built (drizzle's .desc() in an index); a bare DESC means NULLS FIRST in Postgres
      // and cannot be read from that index, so every page sorted all of the org's tasks.
      .orderBy(sql`${tasks.startedAt} desc nulls last`, sql`${tasks.id} desc nulls last`)
      .limit(input.limit + 1);
  // The org's tasks and the system's are read as two pages and merged: one `org_id = $1 OR org_id IS NULL` cannot
  // walk the (org_id, started_at, id) index in order.
  const rows = job
    ? await pageWhere(eq(tasks.jobId, job.id))
    : (await Promise.all([pageWhere(eq(tasks.orgId, scope.orgId)), pageWhere(isNull(tasks.orgId))]))
        .flat()
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, input.limit + 1);
  return keysetPage<TaskListItem>(rows, input.limit, (row) => ({ at: row.startedAt, id: row.id }));
}
