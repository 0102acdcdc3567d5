import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import {
  JOB_PHASES,
  JOB_STATUSES,
  TASK_KINDS,
  TASK_STATUSES,
  type JobPhase,
  type JobStatus,
  type TaskKind,
  type TaskStatus,
} from "@/lib/vocabulary";
import type { AppRouter } from "@/server/api/root";

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

export type JobPage = RouterOutputs["job"]["list"];
export type JobItem = JobPage["items"][number];
export type JobDetail = RouterOutputs["job"]["get"];
export type TaskPage = RouterOutputs["task"]["list"];
export type TaskItem = TaskPage["items"][number];
export type ErrorPage = RouterOutputs["report"]["errors"];
export type ErrorItem = ErrorPage["items"][number];
export type Overview = RouterOutputs["report"]["overview"];

/** Search params as both the server page (a record) and the client (URLSearchParams) see them. */
export type SearchParamsLike = { getAll(key: string): string[] };

export function searchParamsOf(record: Record<string, string | string[] | undefined>): SearchParamsLike {
  return {
    getAll: (key) => {
      const value = record[key];
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    },
  };
}

const firstOf = (params: SearchParamsLike, key: string) => params.getAll(key).find((value) => value.trim() !== "");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A service id from the URL, if it is one: a hand-edited URL shows every service rather than an error. */
const serviceIdOf = (params: SearchParamsLike) => {
  const value = firstOf(params, "service");
  return value && UUID.test(value) ? value : undefined;
};
/** Request ids are letters and digits; a pasted "  ab-12 " still finds AB12… instead of failing the list. */
const requestIdOf = (params: SearchParamsLike) => {
  const requestId = firstOf(params, "request")
    ?.replace(/[^0-9A-Za-z]/g, "")
    .slice(0, 10);
  return requestId === "" ? undefined : requestId;
};
const oneOf = <T extends string>(values: readonly T[], params: SearchParamsLike, key: string): T[] =>
  values.filter((value) => params.getAll(key).includes(value));

/** `YYYY-MM-DD` as the start of that UTC day; anything else is ignored rather than failing the page. */
export function utcDay(value: string | undefined, offsetDays = 0): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isNaN(time) ? undefined : new Date(time + offsetDays * 24 * 3600_000);
}

export const JOB_FILTER_KEYS = ["status", "service", "request", "from", "to"] as const;
export const JOB_PAGE_SIZE = 25;

/**
 * The list input for the filters in the URL; the server page prefetches with exactly this input so the client
 * finds it in the hydrated cache. "To" is inclusive in the UI, so the query ends at the next UTC midnight.
 */
export function jobListInput(orgSlug: string, params: SearchParamsLike): RouterInputs["job"]["list"] {
  const status = oneOf(JOB_STATUSES, params, "status");
  const serviceId = serviceIdOf(params);
  const requestId = requestIdOf(params);
  const createdFrom = utcDay(firstOf(params, "from"));
  const createdTo = utcDay(firstOf(params, "to"), 1);
  return {
    orgSlug,
    limit: JOB_PAGE_SIZE,
    ...(status.length > 0 ? { status } : {}),
    ...(serviceId ? { serviceId } : {}),
    ...(requestId ? { requestId } : {}),
    ...(createdFrom ? { createdFrom } : {}),
    ...(createdTo ? { createdTo } : {}),
  };
}

export const TASK_FILTER_KEYS = ["kind", "status", "request"] as const;

export function taskListInput(orgSlug: string, params: SearchParamsLike): RouterInputs["task"]["list"] {
  const kind = oneOf(TASK_KINDS, params, "kind");
  const status = oneOf(TASK_STATUSES, params, "status");
  const requestId = requestIdOf(params);
  return {
    orgSlug,
    limit: JOB_PAGE_SIZE,
    ...(kind.length > 0 ? { kind } : {}),
    ...(status.length > 0 ? { status } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export const ERROR_FILTER_KEYS = ["service", "phase", "request"] as const;

export function errorFilterOf(orgSlug: string, params: SearchParamsLike) {
  const phase = oneOf(JOB_PHASES, params, "phase");
  const serviceId = serviceIdOf(params);
  const requestId = requestIdOf(params);
  return {
    orgSlug,
    ...(phase.length > 0 ? { phase } : {}),
    ...(serviceId ? { serviceId } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export const errorListInput = (orgSlug: string, params: SearchParamsLike): RouterInputs["report"]["errors"] => ({
  ...errorFilterOf(orgSlug, params),
  limit: JOB_PAGE_SIZE,
});

export const outboxInput = (orgSlug: string) => ({ orgSlug, limit: JOB_PAGE_SIZE });

export const nextCursorOf = (page: { nextCursor: string | null }) => page.nextCursor;

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  partially_succeeded: "Partially succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const TASK_KIND_LABELS: Record<TaskKind, string> = {
  download: "Download",
  prepare: "Prepare",
  upload: "Upload",
  finalize: "Finalize",
  cleaner: "Cleaner",
};

export const PHASE_LABELS: Record<JobPhase, string> = {
  queued: "Queued",
  download: "Download",
  prepare: "Prepare",
  upload: "Upload",
  finalize: "Finalize",
  done: "Done",
};

export const isActiveJob = (job: { status: JobStatus }) => job.status === "queued" || job.status === "running";

/** "1 h 04 min", "3 min 12 s", "850 ms": the two largest units say enough for a sync. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** How long the job has run (or ran); null before it started. */
export function jobDurationMs(job: { startedAt: Date | null; finishedAt: Date | null }, now: Date): number | null {
  if (!job.startedAt) return null;
  return (job.finishedAt ?? now).getTime() - job.startedAt.getTime();
}

/**
 * Time left of the upload phase at the upload rate alone: objects Sentinel answered for (sent, revoked or
 * rejected) since the first batch started, so download and prepare time never inflate it. Null until a batch is
 * done, since there is no rate to measure yet.
 */
export function uploadEtaMs(
  job: {
    uploadStartedAt: Date | null;
    batches: { total: number; done: number };
    counts: { toSend: number; sent: number; revoked: number; rejected: number };
  },
  now: Date,
): number | null {
  if (!job.uploadStartedAt || job.batches.done === 0) return null;
  const uploaded = job.counts.sent + job.counts.revoked + job.counts.rejected;
  const elapsed = now.getTime() - job.uploadStartedAt.getTime();
  if (uploaded === 0 || elapsed <= 0) return null;
  return Math.round((Math.max(0, job.counts.toSend - uploaded) * elapsed) / uploaded);
}

/** ThreatConnect's own page for an indicator (the `webLink` form its API returns); null when it cannot be built. */
export function threatConnectLink(baseUrl: string | undefined, indicatorId: string | null): string | null {
  if (!baseUrl || !indicatorId || !/^\d+$/.test(indicatorId)) return null;
  try {
    return `${new URL(baseUrl).origin}/#/details/indicators/${indicatorId}/overview`;
  } catch {
    return null;
  }
}
