import { and, asc, count, eq, inArray, min } from "drizzle-orm";
import { jobErrors, jobs, tasks, type JobError, type Task } from "@/db/schema";
import type { JobPhase, JobStatus, JobTrigger, RunMode } from "@/lib/vocabulary";
import { DomainError } from "../errors";
import type { Scope } from "../scope";
import type { ListJobsInput } from "./job-input";
import { readJobPage, type JobListRow } from "./job-page";
import { countsOf, getJobInOrg, type JobCounts } from "./job-rows";

export type JobListItem = {
  requestId: string;
  serviceId: string;
  mode: RunMode;
  trigger: JobTrigger;
  status: JobStatus;
  phase: JobPhase;
  counts: JobCounts;
  /** Progress of the upload phase. */
  batches: { total: number; done: number };
  /** When the first batch's upload started, for an ETA from the upload rate alone; set while uploading. */
  uploadStartedAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type JobPage = { items: JobListItem[]; nextCursor: string | null };

function toListItem(job: JobListRow, uploadStarts: ReadonlyMap<string, Date> = new Map()): JobListItem {
  return {
    requestId: job.requestId,
    serviceId: job.serviceId,
    mode: job.mode,
    trigger: job.trigger,
    status: job.status,
    phase: job.phase,
    counts: countsOf(job),
    batches: { total: job.batchCount, done: job.batchCount - job.batchesRemaining },
    uploadStartedAt: uploadStarts.get(job.id) ?? null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

/** The first upload task of each job still uploading; finished jobs need no ETA, so they cost no query. */
async function uploadStartsOf(scope: Scope, page: JobListRow[]): Promise<Map<string, Date>> {
  const uploading = page.filter((job) => job.status === "running" && job.phase === "upload").map((job) => job.id);
  if (uploading.length === 0) return new Map();
  const rows = await scope.db
    .select({ jobId: tasks.jobId, startedAt: min(tasks.startedAt) })
    .from(tasks)
    .where(and(inArray(tasks.jobId, uploading), eq(tasks.kind, "upload")))
    .groupBy(tasks.jobId);
  return new Map(rows.flatMap((row) => (row.jobId && row.startedAt ? [[row.jobId, row.startedAt] as const] : [])));
}

// (createdAt, id) of the last item: stable while new jobs arrive, unlike an offset. createdAt keeps milliseconds.
function encodeCursor(job: { createdAt: Date; id: string }): string {
  return Buffer.from(`${job.createdAt.toISOString()}|${job.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  // The full UUID pattern, not any 36 hex-or-dash characters: "----…" would reach the ::uuid cast and fail as a 500.
  if (
    !id ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ||
    Number.isNaN(createdAt.getTime())
  ) {
    throw new DomainError("BAD_REQUEST", "Cursor is not one this list returned", "cursor");
  }
  return { createdAt, id };
}

/** The org's jobs, newest first, filtered by service, statuses and request id prefix. */
export async function listJobs(scope: Scope, input: ListJobsInput): Promise<JobPage> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await readJobPage(scope, input, after);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const uploadStarts = await uploadStartsOf(scope, page);
  return {
    items: page.map((job) => toListItem(job, uploadStarts)),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}

/** How much of a job's detail one answer carries; the task and error reports page through the rest. */
export const JOB_DETAIL_LIMIT = 500;

export type JobDetail = JobListItem & {
  /** Objects prepared for Sentinel by indicator type. */
  toSendByType: Record<string, number>;
  error: string | null;
  attempt: number;
  restartOfRequestId: string | null;
  tasks: Omit<Task, "orgId">[];
  taskCount: number;
  errors: Omit<JobError, "orgId" | "fingerprint">[];
  errorCount: number;
};

export async function getJob(scope: Scope, input: { requestId: string }): Promise<JobDetail> {
  const job = await getJobInOrg(scope.db, scope.orgId, { requestId: input.requestId });
  const [jobTasks, [taskTotal], errors, [errorTotal], restartOf, uploadStarts] = await Promise.all([
    scope.db
      .select()
      .from(tasks)
      .where(eq(tasks.jobId, job.id))
      .orderBy(asc(tasks.startedAt), asc(tasks.id))
      .limit(JOB_DETAIL_LIMIT),
    scope.db.select({ total: count() }).from(tasks).where(eq(tasks.jobId, job.id)),
    scope.db
      .select()
      .from(jobErrors)
      .where(and(eq(jobErrors.orgId, scope.orgId), eq(jobErrors.jobId, job.id)))
      .orderBy(asc(jobErrors.firstSeenAt), asc(jobErrors.id))
      .limit(JOB_DETAIL_LIMIT),
    scope.db.select({ total: count() }).from(jobErrors).where(eq(jobErrors.jobId, job.id)),
    job.restartOf
      ? scope.db
          .select({ requestId: jobs.requestId })
          .from(jobs)
          .where(and(eq(jobs.orgId, scope.orgId), eq(jobs.id, job.restartOf)))
      : Promise.resolve([]),
    uploadStartsOf(scope, [job]),
  ]);
  return {
    ...toListItem(job, uploadStarts),
    toSendByType: job.toSendByType,
    error: job.error,
    attempt: job.attempt,
    restartOfRequestId: restartOf[0]?.requestId ?? null,
    tasks: jobTasks.map(({ orgId: _orgId, ...task }) => task),
    taskCount: taskTotal?.total ?? 0,
    errors: errors.map(({ orgId: _orgId, fingerprint: _fingerprint, ...error }) => error),
    errorCount: errorTotal?.total ?? 0,
  };
}
