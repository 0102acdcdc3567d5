import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import {
  jobErrors,
  jobs,
  sentState,
  syncDeletions,
  syncStaging,
  uploadBatches,
  type Job,
  type SentState,
} from "@/db/schema";
import { getJobInOrg } from "../jobs/job-rows";
import { getServiceInOrg } from "../services/services";
import {
  compareCandidatePriority,
  mapIndicator,
  stixContentHash,
  type MappingSettings,
  type StixIndicator,
} from "../stix";
import type { ThreatConnectIndicator } from "../threatconnect";
import { createBatchWriter, type BatchItem } from "./batch-writer";
import { decide, generationFor, keepAliveHorizon, nextModified } from "./decide";
import { recordJobErrors, type JobErrorInput } from "./job-errors";
import { removalCandidates, type RemovalKind } from "./removals";
import type { Scope } from "./system-scope";

/** Winners mapped per round trip: bounded memory however large the job. */
const CHUNK = 500;

export type PreparedJob = {
  batches: number;
  toSend: number;
  unchanged: number;
  duplicates: number;
  revoked: number;
  keepAlive: number;
  mappingErrors: number;
};

type Service = Awaited<ReturnType<typeof getServiceInOrg>>;
type Tally = {
  toSend: number;
  unchanged: number;
  revoked: number;
  keepAlive: number;
  duplicates: number;
  byType: Record<string, number>;
};

/**
 * Turns the staged download into upload batches: dedupe in the database (highest query wins, one copy across
 * owners), map each winner, skip what Sentinel already has and will still have at the next run, and add the
 * revocations of what stopped matching (full) or was deleted (delta). Running it again rebuilds the same batches.
 */
export async function prepareJob(scope: Scope, input: { jobId: string }): Promise<PreparedJob> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  const nothing = { batches: 0, toSend: 0, unchanged: 0, duplicates: 0, revoked: 0, keepAlive: 0, mappingErrors: 0 };
  if (job.status !== "running") return nothing;
  const service = await getServiceInOrg(scope, { serviceId: job.serviceId });
  await scope.db.delete(uploadBatches).where(eq(uploadBatches.jobId, job.id));
  await scope.db.delete(jobErrors).where(and(eq(jobErrors.jobId, job.id), eq(jobErrors.phase, "prepare")));
  await scope.db.update(jobs).set({ phase: "prepare" }).where(eq(jobs.id, job.id));
  const { staged, winners } = await markWinners(scope, job.id);

  const now = scope.deps.now();
  const horizon = keepAliveHorizon(now, service.scheduleIntervalHours);
  const writer = createBatchWriter(scope.db, job);
  const tally: Tally = { toSend: 0, unchanged: 0, revoked: 0, keepAlive: 0, duplicates: 0, byType: {} };
  const add = async (item: BatchItem) => {
    await writer.add(item);
    tally.toSend += 1;
    tally.byType[item.indicatorType] = (tally.byType[item.indicatorType] ?? 0) + 1;
  };
  await prepareWinners(scope, { job, service, now, horizon, add, tally });
  if (!job.indicatorIds) {
    const kinds: RemovalKind[] = job.mode === "full" ? ["no_longer_matching"] : ["deleted", "lapsing"];
    for (const kind of kinds) {
      for await (const lastSent of removalCandidates(scope.db, { job, service, kind, horizon })) {
        const item = kind === "lapsing" ? keepAliveItem(lastSent, service, now) : revocationItem(lastSent, now);
        await add(item);
        if (kind === "lapsing") tally.keepAlive += 1;
        else tally.revoked += 1;
      }
    }
  }
  const { batches } = await writer.finish();

  const errorCounts = await scope.db
    .select({ phase: jobErrors.phase, errors: count() })
    .from(jobErrors)
    .where(and(eq(jobErrors.jobId, job.id), eq(jobErrors.source, "mapping")))
    .groupBy(jobErrors.phase);
  const unreadable = errorCounts.find((row) => row.phase === "download")?.errors ?? 0;
  const mappingErrors = errorCounts.reduce((sum, row) => sum + row.errors, 0);
  const duplicates = staged - winners + tally.duplicates;
  await scope.db
    .update(jobs)
    .set({
      phase: batches > 0 ? "upload" : "finalize",
      fetchedCount: staged + unreadable,
      duplicateCount: duplicates,
      unchangedCount: tally.unchanged,
      toSendCount: tally.toSend,
      toSendByType: tally.byType,
      keepAliveCount: tally.keepAlive,
      mappingErrorCount: mappingErrors,
      deletedCount: job.mode === "delta" ? sql`(select count(*) from sync_deletions where job_id = ${job.id})` : 0,
      batchCount: batches,
      batchesRemaining: batches,
    })
    .where(eq(jobs.id, job.id));
  const { toSend, unchanged, revoked, keepAlive } = tally;
  return { batches, toSend, unchanged, duplicates, revoked, keepAlive, mappingErrors };
}

/** Query-order dedupe in SQL: per observable, the lowest query position, then owner name, then ThreatConnect id. */
async function markWinners(scope: Scope, jobId: string): Promise<{ staged: number; winners: number }> {
  await scope.db.update(syncStaging).set({ isWinner: false }).where(eq(syncStaging.jobId, jobId));
  // Counted in the database: a million winners must not come back as a million rows.
  const [marked] = await scope.db.execute<{ winners: number }>(sql`
    with winners as (
      select distinct on (indicator_key) id
      from sync_staging
      where job_id = ${jobId}
      order by indicator_key, query_position, owner_name collate "C", length(tc_id), tc_id
    ),
    marked as (update sync_staging set is_winner = true where id in (select id from winners) returning 1)
    select count(*)::int as winners from marked`);
  const [total] = await scope.db.select({ staged: count() }).from(syncStaging).where(eq(syncStaging.jobId, jobId));
  return { staged: total?.staged ?? 0, winners: marked?.winners ?? 0 };
}

type WinnerContext = {
  job: Job;
  service: Service;
  now: Date;
  horizon: Date;
  add: (item: BatchItem) => Promise<void>;
  tally: Tally;
};

async function prepareWinners(scope: Scope, context: WinnerContext): Promise<void> {
  const { job, service, now, horizon, add, tally } = context;
  const settings: MappingSettings = { sourceName: service.sourceName, ttlHours: service.ttlHours, now };
  for (let lastId = 0; ;) {
    const rows = await scope.db
      .select({
        id: syncStaging.id,
        indicatorKey: syncStaging.indicatorKey,
        queryPosition: syncStaging.queryPosition,
        raw: syncStaging.raw,
      })
      .from(syncStaging)
      .where(and(eq(syncStaging.jobId, job.id), eq(syncStaging.isWinner, true), gt(syncStaging.id, lastId)))
      .orderBy(asc(syncStaging.id))
      .limit(CHUNK);
    const last = rows.at(-1);
    if (!last) return;
    lastId = last.id;
    const keys = rows.map((row) => row.indicatorKey);
    const lastSentByKey = await lastSentFor(scope, service, keys);
    const outranks = job.mode === "delta" ? await sentCopyOutranks(scope, job.id, keys, lastSentByKey) : () => false;
    const errors: JobErrorInput[] = [];
    for (const row of rows) {
      const indicator = row.raw as ThreatConnectIndicator;
      const lastSent = lastSentByKey.get(row.indicatorKey);
      if (outranks({ ...row, ownerName: indicator.ownerName, tcId: indicator.id })) {
        tally.duplicates += 1;
        continue;
      }
      const revocationGeneration = generationFor(lastSent);
      const mapped = mapIndicator(indicator, settings, { revocationGeneration });
      if (!mapped.ok) {
        errors.push({
          phase: "prepare",
          source: "mapping",
          field: mapped.error.field,
          message: `${mapped.error.field}: ${mapped.error.message}`,
          indicator: {
            id: indicator.id,
            type: indicator.type,
            value: indicator.summary,
            ownerName: indicator.ownerName,
          },
        });
        continue;
      }
      const contentHash = stixContentHash(mapped.object);
      const decision = decide(lastSent, contentHash, horizon);
      if (!decision.send) {
        tally.unchanged += 1;
        continue;
      }
      const modified = nextModified(new Date(mapped.object.modified), lastSent?.lastModifiedSent);
      await add({
        reason: decision.reason,
        indicatorKey: row.indicatorKey,
        tcId: indicator.id,
        queryPosition: row.queryPosition,
        indicatorType: indicator.type,
        indicatorValue: indicator.summary,
        ownerName: indicator.ownerName,
        stixId: mapped.object.id,
        revocationGeneration,
        contentHash,
        modified,
        validUntil: new Date(mapped.object.valid_until),
        object: { ...mapped.object, modified: modified.toISOString() },
      });
      if (decision.reason === "keep_alive") tally.keepAlive += 1;
    }
    await recordJobErrors(scope.db, job, errors, now);
  }
}

async function lastSentFor(scope: Scope, service: Service, keys: string[]) {
  const rows = await scope.db
    .select({
      indicatorKey: sentState.indicatorKey,
      revocationGeneration: sentState.revocationGeneration,
      revoked: sentState.revoked,
      contentHash: sentState.contentHash,
      validUntil: sentState.validUntil,
      lastModifiedSent: sentState.lastModifiedSent,
      tcId: sentState.tcId,
      ownerName: sentState.ownerName,
      queryPosition: sentState.queryPosition,
    })
    .from(sentState)
    .where(
      and(
        eq(sentState.serviceId, service.id),
        eq(sentState.workspaceId, service.workspaceId),
        inArray(sentState.indicatorKey, keys),
      ),
    );
  return new Map(rows.map((row) => [row.indicatorKey, row]));
}

type LastSentRow = Awaited<ReturnType<typeof lastSentFor>> extends Map<string, infer Row> ? Row : never;

/**
 * A delta downloads only what changed, so a lower-ranked copy of an observable (another owner, a later query) can
 * arrive without the copy that won the last full run. The live copy keeps its place unless it was deleted now.
 */
async function sentCopyOutranks(
  scope: Scope,
  jobId: string,
  keys: string[],
  lastSentByKey: Map<string, LastSentRow>,
): Promise<(candidate: { indicatorKey: string; queryPosition: number; ownerName: string; tcId: string }) => boolean> {
  const deletions = await scope.db
    .select({ indicatorKey: syncDeletions.indicatorKey, ownerName: syncDeletions.ownerName })
    .from(syncDeletions)
    .where(and(eq(syncDeletions.jobId, jobId), inArray(syncDeletions.indicatorKey, keys)));
  const deleted = new Set(deletions.map((row) => `${row.indicatorKey}\u0000${row.ownerName}`));
  return (candidate) => {
    const live = lastSentByKey.get(candidate.indicatorKey);
    if (!live || live.revoked || live.tcId === null || live.tcId === candidate.tcId) return false;
    if (deleted.has(`${live.indicatorKey}\u0000${live.ownerName}`)) return false;
    const asCandidate = (row: { queryPosition: number; ownerName: string; tcId: string }) => ({
      dedupeKey: candidate.indicatorKey,
      queryPosition: row.queryPosition,
      ownerName: row.ownerName,
      indicatorId: row.tcId,
    });
    return compareCandidatePriority(asCandidate({ ...live, tcId: live.tcId }), asCandidate(candidate)) < 0;
  };
}

/** The last accepted object again, revoked: Sentinel keeps it, listed as inactive. */
function revocationItem(lastSent: SentState, now: Date): BatchItem {
  const modified = nextModified(now, lastSent.lastModifiedSent);
  const object = { ...lastSent.object, revoked: true, modified: modified.toISOString() };
  return {
    ...itemIdentity(lastSent),
    reason: "revoke",
    contentHash: stixContentHash(object as StixIndicator),
    modified,
    validUntil: lastSent.validUntil,
    object,
  };
}

/** Delta keep-alive: the unchanged object with a new valid_until, without asking ThreatConnect for it again. */
function keepAliveItem(lastSent: SentState, service: Service, now: Date): BatchItem {
  const modified = nextModified(now, lastSent.lastModifiedSent);
  const ttlHours = service.ttlHours[lastSent.indicatorType as keyof Service["ttlHours"]];
  const validUntil = new Date(now.getTime() + ttlHours * 3_600_000);
  const object = { ...lastSent.object, modified: modified.toISOString(), valid_until: validUntil.toISOString() };
  return {
    ...itemIdentity(lastSent),
    reason: "keep_alive",
    contentHash: lastSent.contentHash,
    modified,
    validUntil,
    object,
  };
}

function itemIdentity(lastSent: SentState) {
  return {
    indicatorKey: lastSent.indicatorKey,
    tcId: lastSent.tcId,
    queryPosition: lastSent.queryPosition,
    indicatorType: lastSent.indicatorType,
    indicatorValue: lastSent.indicatorValue,
    ownerName: lastSent.ownerName,
    stixId: lastSent.stixId,
    revocationGeneration: lastSent.revocationGeneration,
  };
}
