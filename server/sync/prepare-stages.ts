import { and, eq, gt, inArray, lte, max, sql } from "drizzle-orm";
import { sentState, syncDeletions, syncStaging, type Job, type SentState } from "@/db/schema";
import type { getServiceInOrg } from "../services/services";
import {
  compareCandidatePriority,
  mapIndicator,
  stixContentHash,
  type MappableIndicator,
  type MappingSettings,
  type StixIndicator,
} from "../stix";
import type { ThreatConnectIndicator } from "../threatconnect";
import type { BatchItem } from "./batch-writer";
import { decide, generationFor, nextModified } from "./decide";
import type { JobErrorInput } from "./job-errors";
import { removalCandidatePage, type RemovalKind } from "./removals";
import type { Scope } from "./system-scope";

export type Service = Awaited<ReturnType<typeof getServiceInOrg>>;

/**
 * Prepare walks stages in a fixed order: the download's winners, then the removals the job's mode calls for. Each
 * stage lists one row per observable in indicator-key order, so "after this key" is a cursor a retried step can
 * resume from.
 */
export type Stage = "winners" | RemovalKind;

export function stagesOf(job: Job): Stage[] {
  if (job.indicatorIds) return ["winners"];
  return job.mode === "full" ? ["winners", "no_longer_matching"] : ["winners", "deleted", "lapsing"];
}

/** What one observable comes to: an object to send, a count, a mapping error, or several of these. */
export type Outcome = {
  key: string;
  winner: boolean;
  item?: BatchItem;
  counter?: "unchanged" | "duplicates" | "keepAlive" | "revoked";
  error?: JobErrorInput;
};

/** What download staged: the mapped fields of a ThreatConnect client indicator, which always has a summary. */
type StagedIndicator = MappableIndicator & Pick<ThreatConnectIndicator, "summary">;

export type StageContext = { job: Job; service: Service; now: Date; horizon: Date };

/**
 * A page of a stage, read but not yet mapped: everything the database has to say about these observables, so the
 * next page can be fetched while this one is mapped (one observable at a time, as the caller asks). No rows: the
 * stage is done.
 */
export type StagePage = { rows: number; lastKey: string | null; toOutcomes: () => Iterable<Outcome> };

export async function fetchStagePage(
  scope: Scope,
  context: StageContext,
  input: { stage: Stage; afterKey: string | null; limit: number },
): Promise<StagePage> {
  if (input.stage === "winners") return fetchWinnerPage(scope, context, input);
  const rows = await removalCandidatePage(scope.db, { ...context, kind: input.stage, ...input });
  const kind = input.stage;
  return {
    rows: rows.length,
    lastKey: rows.at(-1)?.indicatorKey ?? null,
    toOutcomes: () =>
      rows.map((lastSent) =>
        kind === "lapsing"
          ? {
              key: lastSent.indicatorKey,
              winner: false,
              item: keepAliveItem(lastSent, context.service, context.now),
              counter: "keepAlive",
            }
          : {
              key: lastSent.indicatorKey,
              winner: false,
              item: revocationItem(lastSent, context.now),
              counter: "revoked",
            },
      ),
  };
}

/**
 * Query-order dedupe in SQL, a page at a time: per observable, the copy of the lowest query position, then owner
 * name, then ThreatConnect id. The page is first bounded by walking the (job, key) index for `limit` rows, so each
 * page costs only its own rows whatever the planner believes about a table filled moments ago.
 */
async function fetchWinnerPage(
  scope: Scope,
  context: StageContext,
  input: { afterKey: string | null; limit: number },
): Promise<StagePage> {
  const { job, service } = context;
  const after = and(
    eq(syncStaging.jobId, job.id),
    input.afterKey === null ? undefined : gt(syncStaging.indicatorKey, input.afterKey),
  );
  const pageKeys = scope.db
    .select({ key: syncStaging.indicatorKey })
    .from(syncStaging)
    .where(after)
    .orderBy(syncStaging.indicatorKey)
    .limit(input.limit)
    .as("page_keys");
  const [bound] = await scope.db.transaction(async (tx) => {
    // With sorting off the planner walks the index. Otherwise, with statistics from before the download, it can judge
    // the job's rows few enough to read all that remain and sort them, on every page.
    await tx.execute(sql`set local enable_sort = off`);
    return tx.select({ last: max(pageKeys.key) }).from(pageKeys);
  });
  const last = bound?.last ?? null;
  const rows =
    last === null
      ? []
      : await scope.db
          .selectDistinctOn([syncStaging.indicatorKey], {
            indicatorKey: syncStaging.indicatorKey,
            queryPosition: syncStaging.queryPosition,
            raw: syncStaging.raw,
          })
          .from(syncStaging)
          .where(and(after, lte(syncStaging.indicatorKey, last)))
          .orderBy(
            syncStaging.indicatorKey,
            syncStaging.queryPosition,
            sql`${syncStaging.ownerName} collate "C"`,
            sql`length(${syncStaging.tcId})`,
            syncStaging.tcId,
          );
  const keys = rows.map((row) => row.indicatorKey);
  const lastSentByKey = await lastSentFor(scope, service, keys);
  const outranks = job.mode === "delta" ? await sentCopyOutranks(scope, job.id, keys, lastSentByKey) : () => false;
  const settings: MappingSettings = { sourceName: service.sourceName, ttlHours: service.ttlHours, now: context.now };
  return {
    rows: rows.length,
    lastKey: rows.at(-1)?.indicatorKey ?? null,
    *toOutcomes() {
      for (const row of rows) {
        const indicator = row.raw as StagedIndicator;
        const lastSent = lastSentByKey.get(row.indicatorKey);
        yield outranks({ ...row, ownerName: indicator.ownerName, tcId: indicator.id })
          ? { key: row.indicatorKey, winner: true, counter: "duplicates" }
          : winnerOutcome(row, indicator, lastSent, settings, context.horizon);
      }
    },
  };
}

function winnerOutcome(
  row: { indicatorKey: string; queryPosition: number },
  indicator: StagedIndicator,
  lastSent: LastSentRow | undefined,
  settings: MappingSettings,
  horizon: Date,
): Outcome {
  const key = row.indicatorKey;
  const revocationGeneration = generationFor(lastSent);
  const mapped = mapIndicator(indicator, settings, { revocationGeneration });
  if (!mapped.ok) {
    const { field, message } = mapped.error;
    const identity = {
      id: indicator.id,
      type: indicator.type,
      value: indicator.summary,
      ownerName: indicator.ownerName,
    };
    return {
      key,
      winner: true,
      error: { phase: "prepare", source: "mapping", field, message: `${field}: ${message}`, indicator: identity },
    };
  }
  const contentHash = stixContentHash(mapped.object);
  const decision = decide(lastSent, contentHash, horizon);
  if (!decision.send) return { key, winner: true, counter: "unchanged" };
  const modified = nextModified(new Date(mapped.object.modified), lastSent?.lastModifiedSent);
  return {
    key,
    winner: true,
    ...(decision.reason === "keep_alive" ? { counter: "keepAlive" as const } : {}),
    item: {
      reason: decision.reason,
      indicatorKey: key,
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
    },
  };
}

async function lastSentFor(scope: Scope, service: Service, keys: string[]) {
  if (keys.length === 0) return new Map<string, never>();
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
  const deletions =
    keys.length === 0
      ? []
      : await scope.db
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
