import { sql } from "drizzle-orm";
import { syncDeletions, type Job, type JobQuery } from "@/db/schema";
import { getJobInOrg } from "../jobs/job-rows";
import { threatConnectClientFor, threatConnectCredentialsOf } from "../services/connections";
import { getServiceInOrg } from "../services/services";
import { dedupeKey, mappedFieldsOf } from "../stix";
import {
  MAPPING_FIELDS,
  MAX_PAGE_SIZE,
  type IndicatorQuery,
  type RejectedIndicator,
  type ThreatConnectIndicator,
} from "../threatconnect";
import { recordJobErrors, type JobErrorInput } from "./job-errors";
import { insertJsonRows, type JsonRowColumn } from "./json-rows";
import type { Scope } from "./system-scope";

/**
 * Indicators parsed, validated and inserted at a time. Only one chunk's objects are alive at once, so the page's
 * size sets the download's memory only through its text (about 2 KB per indicator with every field).
 */
const STAGING_CHUNK = 1000;
/** Rows per insert of deletions: one page goes in a few statements of bounded size. */
const DELETIONS_INSERT_CHUNK = 2500;

/** `next` is the cursor of the following page, null after the last. */
export type DownloadedPage = { fetched: number; unmappable: number; next: string | null };

async function runningJob(scope: Scope, jobId: string): Promise<Job | null> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId });
  return job.status === "running" ? job : null;
}

/** The query as sent: the user's TQL wrapped with its owners and types, and the job's delta bound or record list. */
export function indicatorQueryFor(job: Pick<Job, "modifiedSince" | "indicatorIds">, query: JobQuery): IndicatorQuery {
  const onlyIds = job.indicatorIds?.filter((id) => /^\d+$/.test(id)) ?? [];
  const idClause = onlyIds.length > 0 ? `id IN (${onlyIds.join(", ")})` : undefined;
  const tql = query.tql.trim();
  return {
    tql: idClause ? (tql ? `(${tql}) AND ${idClause}` : idClause) : tql || undefined,
    owners: query.owners,
    types: query.types as IndicatorQuery["types"],
    sortField: query.sortField,
    sortDirection: query.sortDirection,
    ...(job.modifiedSince ? { modifiedSince: job.modifiedSince } : {}),
    fields: [...MAPPING_FIELDS],
  };
}

function valueOf(indicator: ThreatConnectIndicator): string {
  return indicator.summary;
}

/**
 * Stages one page of one query: the first when `cursor` is null, else the page it points at. Indicators the
 * client could not read, or without a usable observable, become mapping errors here, since without an observable
 * they cannot be deduplicated. A retried page stages nothing twice.
 */
export async function downloadQueryPage(
  scope: Scope,
  input: { jobId: string; position: number; page: number; cursor: string | null; pageSize?: number },
): Promise<DownloadedPage> {
  const job = await runningJob(scope, input.jobId);
  if (!job) return { fetched: 0, unmappable: 0, next: null };
  const query = job.queries?.find((candidate) => candidate.position === input.position);
  if (!query) throw new Error(`Job ${job.requestId} has no query at position ${input.position}`);
  const service = await getServiceInOrg(scope, { serviceId: job.serviceId });
  const client = threatConnectClientFor(scope.deps, threatConnectCredentialsOf(scope.deps, service));
  const page = await client.indicatorPageChunks(indicatorQueryFor(job, query), {
    pageSize: input.pageSize ?? MAX_PAGE_SIZE,
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
  const errors: JobErrorInput[] = [];
  for (const chunk of page.chunks(STAGING_CHUNK)) {
    const staging = stageable(job, query.position, chunk.indicators);
    errors.push(...staging.errors, ...chunk.rejected.map(unreadableError));
    await insertJsonRows(scope.db, "sync_staging", STAGING_COLUMNS, staging.staged, sql`on conflict do nothing`);
  }
  await recordJobErrors(scope.db, job, errors, scope.deps.now());
  return { fetched: page.size, unmappable: errors.length, next: page.next ?? null };
}

function unreadableError(rejected: RejectedIndicator): JobErrorInput {
  return {
    phase: "download",
    source: "mapping",
    field: rejected.field,
    message: `${rejected.field}: ${rejected.reason}`,
    indicator: { id: rejected.id, type: rejected.type, value: rejected.summary, ownerName: rejected.ownerName },
  };
}

const STAGING_COLUMNS: readonly JsonRowColumn[] = [
  ["job_id", "uuid"],
  ["query_position", "int"],
  ["indicator_key", "text"],
  ["tc_id", "text"],
  ["owner_name", "text"],
  ["indicator_type", "text"],
  ["raw", "json"],
];

function stageable(job: Job, position: number, indicators: readonly ThreatConnectIndicator[]) {
  const staged: Record<string, unknown>[] = [];
  const errors: JobErrorInput[] = [];
  for (const indicator of indicators) {
    const key = dedupeKey(indicator);
    if (!key.ok) {
      errors.push({
        phase: "download",
        source: "mapping",
        field: key.error.field,
        message: `${key.error.field}: ${key.error.message}`,
        indicator: {
          id: indicator.id,
          type: indicator.type,
          value: valueOf(indicator),
          ownerName: indicator.ownerName,
        },
      });
      continue;
    }
    staged.push({
      job_id: job.id,
      query_position: position,
      indicator_key: key.key,
      tc_id: indicator.id,
      owner_name: indicator.ownerName,
      indicator_type: indicator.type,
      raw: mappedFieldsOf(indicator),
    });
  }
  return { staged, errors };
}

/** Delta only: one page of what ThreatConnect deleted in one owner since the job's bound. */
export async function downloadDeletedPage(
  scope: Scope,
  input: { jobId: string; owner: string; page: number; cursor: string | null },
): Promise<{ deleted: number; next: string | null }> {
  const job = await runningJob(scope, input.jobId);
  if (!job?.modifiedSince) return { deleted: 0, next: null };
  const service = await getServiceInOrg(scope, { serviceId: job.serviceId });
  const client = threatConnectClientFor(scope.deps, threatConnectCredentialsOf(scope.deps, service));
  const page = await client.deletedIndicatorPage(
    { owner: input.owner, since: job.modifiedSince },
    input.cursor ? { cursor: input.cursor } : {},
  );
  const rows = page.deleted.flatMap((indicator) => {
    const key = dedupeKey({ id: "", dateAdded: "", ...indicator });
    return key.ok ? [{ jobId: job.id, ownerName: indicator.ownerName, indicatorKey: key.key }] : [];
  });
  for (let start = 0; start < rows.length; start += DELETIONS_INSERT_CHUNK) {
    await scope.db
      .insert(syncDeletions)
      .values(rows.slice(start, start + DELETIONS_INSERT_CHUNK))
      .onConflictDoNothing();
  }
  return { deleted: rows.length, next: page.next ?? null };
}
