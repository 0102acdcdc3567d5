import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import type {
  JobErrorSource,
  JobPhase,
  JobStatus,
  JobTrigger,
  RunMode,
  SortDirection,
  QuerySortField,
  TaskKind,
  TaskStatus,
  UploadBatchStatus,
  UploadReason,
} from "@/lib/vocabulary";
import { organizations, orgIdColumn } from "./organizations";
import { services } from "./services";

const at = () => timestamp({ withTimezone: true, precision: 3 });
const count = () => integer().notNull().default(0);
const serviceColumn = () =>
  uuid()
    .notNull()
    .references(() => services.id, { onDelete: "cascade" });

/** The query list a job runs, copied at its start so an edit saved mid-job cannot change what the job downloads. */
export type JobQuery = {
  position: number;
  owners: string[];
  types: string[];
  tql: string;
  sortField: QuerySortField;
  sortDirection: SortDirection;
};

/** One update of one service. */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    serviceId: serviceColumn(),
    /** Short, unique and typed by people searching JOBS, so it is upper-case base32 without look-alikes. */
    requestId: text().notNull(),
    mode: text().$type<RunMode>().notNull(),
    trigger: text().$type<JobTrigger>().notNull(),
    status: text().$type<JobStatus>().notNull().default("queued"),
    phase: text().$type<JobPhase>().notNull().default("queued"),
    /** The orchestration run that started the job, so a replayed start is recognised as the same start. */
    runId: text(),
    restartOf: uuid().references((): AnyPgColumn => jobs.id, { onDelete: "set null" }),
    /** 0 for a requested job; n for its n-th restart. */
    attempt: integer().notNull().default(0),
    /** "Retry failed records": only these ThreatConnect indicator ids are downloaded. */
    indicatorIds: text().array(),
    queries: jsonb().$type<JobQuery[]>(),
    /** Delta only: the lower bound on lastModified actually used. */
    modifiedSince: at(),
    fetchedCount: count(),
    downloadRejectedCount: count(),
    duplicateCount: count(),
    unchangedCount: count(),
    toSendCount: count(),
    keepAliveCount: count(),
    sentCount: count(),
    revokedCount: count(),
    rejectedCount: count(),
    mappingErrorCount: count(),
    deletedCount: count(),
    batchCount: count(),
    batchesRemaining: count(),
    /** What prepare put in the batches, by indicator type, for the job's detail. */
    toSendByType: jsonb().$type<Record<string, number>>().notNull().default({}),
    error: text(),
    createdAt: at().notNull(),
    startedAt: at(),
    finishedAt: at(),
  },
  (table) => [
    uniqueIndex("jobs_request_id_idx").on(table.requestId),
    index("jobs_org_created_idx").on(table.orgId, table.createdAt.desc(), table.id.desc()),
    index("jobs_service_created_idx").on(table.serviceId, table.createdAt.desc()),
    // JOBS filtered by service or status reads one range per (service, status) pair instead of walking the org.
    index("jobs_org_service_status_created_idx").on(
      table.orgId,
      table.serviceId,
      table.status,
      table.createdAt.desc(),
      table.id.desc(),
    ),
    index("jobs_org_request_id_prefix_idx").on(table.orgId, table.requestId.op("text_pattern_ops")),
    uniqueIndex("jobs_one_running_per_service_idx")
      .on(table.serviceId)
      .where(sql`${table.status} = 'running'`),
    check(
      "jobs_status_check",
      sql`${table.status} in ('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled')`,
    ),
  ],
);

/** One row per distinct failure of a job; repeats (a retried upload) bump `occurrences`. */
export const jobErrors = pgTable(
  "job_errors",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    jobId: uuid()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    serviceId: serviceColumn(),
    phase: text().$type<JobPhase>().notNull(),
    source: text().$type<JobErrorSource>().notNull(),
    indicatorId: text(),
    indicatorType: text(),
    indicatorValue: text(),
    ownerName: text(),
    field: text(),
    message: text().notNull(),
    /** Identifies "the same failure again" within a job. */
    fingerprint: text().notNull(),
    occurrences: integer().notNull().default(1),
    firstSeenAt: at().notNull(),
    lastSeenAt: at().notNull(),
  },
  (table) => [
    uniqueIndex("job_errors_job_fingerprint_idx").on(table.jobId, table.fingerprint),
    index("job_errors_org_seen_idx").on(table.orgId, table.firstSeenAt.desc(), table.id.desc()),
    // REPORTS → Errors filtered by service or phase reads one range per (service, phase) pair.
    index("job_errors_org_service_phase_seen_idx").on(
      table.orgId,
      table.serviceId,
      table.phase,
      table.firstSeenAt.desc(),
      table.id.desc(),
    ),
  ],
);

/** What a job downloaded, one row per indicator per query; cleared when the job ends. */
export const syncStaging = pgTable(
  "sync_staging",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    jobId: uuid()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    queryPosition: integer().notNull(),
    /** The normalized observable (server/stix's dedupe key): one value, one Sentinel object. */
    indicatorKey: text().notNull(),
    tcId: text().notNull(),
    ownerName: text().notNull(),
    indicatorType: text().notNull(),
    /**
     * The fields of the indicator the mapping reads (server/stix's mappedFieldsOf). json, not jsonb: written once and
     * read back whole, so Postgres keeps the text instead of converting it to binary and back.
     */
    raw: json().notNull(),
  },
  (table) => [
    uniqueIndex("sync_staging_job_query_indicator_idx").on(table.jobId, table.queryPosition, table.tcId),
    index("sync_staging_job_key_idx").on(table.jobId, table.indicatorKey),
  ],
);

/** Indicators ThreatConnect reports deleted since the delta cursor, per owner. */
export const syncDeletions = pgTable(
  "sync_deletions",
  {
    jobId: uuid()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    ownerName: text().notNull(),
    indicatorKey: text().notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.ownerName, table.indicatorKey] })],
);

export const uploadBatches = pgTable(
  "upload_batches",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    jobId: uuid()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** 1-based, in the order prepare wrote them. */
    seq: integer().notNull(),
    objectCount: integer().notNull(),
    status: text().$type<UploadBatchStatus>().notNull().default("pending"),
    attempt: count(),
    acceptedCount: count(),
    rejectedCount: count(),
    error: text(),
    /** Set once the batch counted down its job, whatever its outcome. */
    completedAt: at(),
  },
  (table) => [uniqueIndex("upload_batches_job_seq_idx").on(table.jobId, table.seq)],
);

/** The objects of one batch, mapped by prepare; deleted with the job's staging when the job ends. */
export const uploadBatchItems = pgTable(
  "upload_batch_items",
  {
    batchId: uuid()
      .notNull()
      .references(() => uploadBatches.id, { onDelete: "cascade" }),
    ordinal: integer().notNull(),
    reason: text().$type<UploadReason>().notNull(),
    indicatorKey: text().notNull(),
    tcId: text(),
    indicatorType: text().notNull(),
    indicatorValue: text().notNull(),
    ownerName: text().notNull(),
    /** The query the object came from, so a later delta can tell a lower query's copy from the winner. */
    queryPosition: integer().notNull(),
    stixId: text().notNull(),
    revocationGeneration: integer().notNull(),
    contentHash: text().notNull(),
    modified: at().notNull(),
    validUntil: at(),
    /** json, as sync_staging.raw: written once, read back whole, never queried inside. */
    object: json().$type<Record<string, unknown>>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.batchId, table.ordinal] })],
);

/** What a service last sent to a workspace for each observable: the basis of skip, keep-alive and revocation. */
export const sentState = pgTable(
  "sent_state",
  {
    serviceId: serviceColumn(),
    workspaceId: text().notNull(),
    indicatorKey: text().notNull(),
    orgId: orgIdColumn(),
    stixId: text().notNull(),
    revocationGeneration: integer().notNull().default(0),
    contentHash: text().notNull(),
    validUntil: at(),
    revoked: boolean().notNull().default(false),
    lastModifiedSent: at().notNull(),
    lastSentAt: at().notNull(),
    tcId: text(),
    queryPosition: integer().notNull(),
    indicatorType: text().notNull(),
    indicatorValue: text().notNull(),
    ownerName: text().notNull(),
    /** The object as last accepted, so keep-alive and revocation re-send it without asking ThreatConnect. */
    object: jsonb().$type<Record<string, unknown>>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.serviceId, table.workspaceId, table.indicatorKey] }),
    index("sent_state_org_type_idx")
      .on(table.orgId, table.indicatorType)
      .where(sql`not ${table.revoked}`),
  ],
);

/**
 * What Sentinel accepted per service, UTC day and indicator type: the overview's per-day chart, which sent_state
 * cannot give because it keeps only each indicator's latest send.
 */
export const sentDailyCounts = pgTable(
  "sent_daily_counts",
  {
    serviceId: serviceColumn(),
    day: date({ mode: "string" }).notNull(),
    indicatorType: text().notNull(),
    orgId: orgIdColumn(),
    sentCount: count(),
    revokedCount: count(),
  },
  (table) => [
    primaryKey({ columns: [table.serviceId, table.day, table.indicatorType] }),
    index("sent_daily_counts_org_day_idx").on(table.orgId, table.day),
  ],
);

/** Per service: when it last started and the delta cursor, so scheduling and delta need no scan of jobs. */
export const serviceSyncState = pgTable("service_sync_state", {
  serviceId: uuid()
    .primaryKey()
    .references(() => services.id, { onDelete: "cascade" }),
  orgId: orgIdColumn(),
  lastStartedAt: at(),
  /** Start of the last job that ran to completion: the next delta asks for changes since then. */
  deltaCursor: at(),
  lastSucceededAt: at(),
  consecutiveFailures: count(),
  /** Set when a job failed for good (restarts exhausted); cleared by the next success. */
  failingSince: at(),
});

/** Shared by every service of every org that uses one Azure principal (cloud + tenant + client id). */
export const principalPacing = pgTable("principal_pacing", {
  principalKey: text().primaryKey(),
  lastAcceptedStartAt: at().notNull(),
  /**
   * The principal's 100 latest request times (a claimed start, then its answer time once answered), oldest first:
   * the sliding window server/sync/pacing.ts claims from.
   */
  recentStarts: at()
    .array()
    .notNull()
    .default(sql`'{}'`),
});

/** Every run and step of a job, recorded by the Inngest middleware; upserts are keyed by (run, step, attempt). */
export const tasks = pgTable(
  "tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Null for system tasks (the cleaner), which every org's TASKS shows. */
    orgId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    jobId: uuid().references(() => jobs.id, { onDelete: "cascade" }),
    runId: text().notNull(),
    stepId: text().notNull(),
    attempt: integer().notNull().default(0),
    kind: text().$type<TaskKind>().notNull(),
    label: text().notNull(),
    status: text().$type<TaskStatus>().notNull(),
    startedAt: at().notNull(),
    finishedAt: at(),
    counts: jsonb().$type<Record<string, number>>(),
    error: text(),
  },
  (table) => [
    uniqueIndex("tasks_run_step_attempt_idx").on(table.runId, table.stepId, table.attempt),
    index("tasks_org_started_idx").on(table.orgId, table.startedAt.desc(), table.id.desc()),
    // TASKS filtered by kind or status reads one range per (kind, status) pair instead of walking the org.
    index("tasks_org_kind_status_started_idx").on(
      table.orgId,
      table.kind,
      table.status,
      table.startedAt.desc(),
      table.id.desc(),
    ),
    index("tasks_job_idx").on(table.jobId),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type JobError = typeof jobErrors.$inferSelect;
export type UploadBatch = typeof uploadBatches.$inferSelect;
export type SentState = typeof sentState.$inferSelect;
export type SentDailyCount = typeof sentDailyCounts.$inferSelect;
export type Task = typeof tasks.$inferSelect;
