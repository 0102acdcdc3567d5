import { setImmediate as nextTurnOfEventLoop } from "node:timers/promises";
import { and, count, eq, gte, sql } from "drizzle-orm";
import { jobErrors, jobs, syncStaging, uploadBatches } from "@/db/schema";
import { getJobInOrg } from "../jobs/job-rows";
import { MAX_OBJECTS_PER_REQUEST } from "../sentinel";
import { getServiceInOrg } from "../services/services";
import { createBatchWriter, type BatchItem } from "./batch-writer";
import { keepAliveHorizon } from "./decide";
import { recordJobErrors, type JobErrorInput } from "./job-errors";
import { fetchStagePage, stagesOf, type Outcome, type StageContext, type StagePage } from "./prepare-stages";
import type { Scope } from "./system-scope";

/** Observables read per round trip: large enough to amortise the round trip, small enough to hold in memory. */
const PAGE_ROWS = 1000;
/**
 * Observables mapped between two turns of the event loop. The read-ahead takes a few round trips a page, and while a
 * whole page was mapped in one go none of them could go out, so prepare still waited for most of each read.
 */
const YIELD_EVERY = 25;
/** Observables one part of prepare handles before it hands back: 1,000,000 winners take about 40 parts. */
export const PART_ROWS = 25_000;

export type PreparedJob = {
  batches: number;
  toSend: number;
  unchanged: number;
  duplicates: number;
  revoked: number;
  keepAlive: number;
  mappingErrors: number;
};

export type PrepareTally = {
  winners: number;
  toSend: number;
  unchanged: number;
  duplicates: number;
  revoked: number;
  keepAlive: number;
  byType: Record<string, number>;
};

/**
 * Where prepare stands between parts: the next stage and the last observable key done in it (null when every
 * stage is done), the next batch number, the counts so far, and the clock every part maps with. Ids and counts
 * only, so an orchestration step can carry it.
 */
export type PrepareProgress = {
  cursor: { stage: number; afterKey: string | null } | null;
  nextSeq: number;
  now: string;
  tally: PrepareTally;
};

const NOTHING: PreparedJob = {
  batches: 0,
  toSend: 0,
  unchanged: 0,
  duplicates: 0,
  revoked: 0,
  keepAlive: 0,
  mappingErrors: 0,
};

/**
 * Turns the staged download into upload batches: dedupe in the database (highest query wins, one copy across
 * owners), map each winner, skip what Sentinel already has and will still have at the next run, and add the
 * revocations of what stopped matching (full) or was deleted (delta). Running it again rebuilds the same batches.
 * This runs every part in one call; the pipeline runs them as separate steps (beginPrepare, preparePart,
 * finishPrepare) so a retry redoes one part, not the whole job.
 */
export async function prepareJob(scope: Scope, input: { jobId: string }): Promise<PreparedJob> {
  let progress = await beginPrepare(scope, input);
  while (progress.cursor) progress = await preparePart(scope, { ...input, progress });
  return finishPrepare(scope, { ...input, progress });
}

/** Clears what an earlier prepare of this job wrote and fixes the clock its parts map with. */
export async function beginPrepare(scope: Scope, input: { jobId: string }): Promise<PrepareProgress> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  const now = scope.deps.now().toISOString();
  const tally = { winners: 0, toSend: 0, unchanged: 0, duplicates: 0, revoked: 0, keepAlive: 0, byType: {} };
  if (job.status !== "running") return { cursor: null, nextSeq: 1, now, tally };
  await scope.db.delete(uploadBatches).where(eq(uploadBatches.jobId, job.id));
  await scope.db.delete(jobErrors).where(and(eq(jobErrors.jobId, job.id), eq(jobErrors.phase, "prepare")));
  await scope.db.update(jobs).set({ phase: "prepare" }).where(eq(jobs.id, job.id));
  return { cursor: { stage: 0, afterKey: null }, nextSeq: 1, now, tally };
}

/**
 * One part of prepare: from the cursor, at least PART_ROWS observables (fewer at the end), stopping only where
 * every object so far fills whole batches, so no batch spans two parts. Running a part again first deletes the
 * batches it wrote, so a retried part writes each object once.
 */
export async function preparePart(
  scope: Scope,
  input: { jobId: string; progress: PrepareProgress; partRows?: number },
): Promise<PrepareProgress> {
  const { progress } = input;
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  if (!progress.cursor || job.status !== "running") return { ...progress, cursor: null };
  const service = await getServiceInOrg(scope, { serviceId: job.serviceId });
  const now = new Date(progress.now);
  const context: StageContext = { job, service, now, horizon: keepAliveHorizon(now, service.scheduleIntervalHours) };
  const stages = stagesOf(job);
  const partRows = input.partRows ?? PART_ROWS;

  await scope.db
    .delete(uploadBatches)
    .where(and(eq(uploadBatches.jobId, job.id), gte(uploadBatches.seq, progress.nextSeq)));
  const writer = createBatchWriter(scope.db, job, { firstSeq: progress.nextSeq });
  const tally = { ...progress.tally, byType: { ...progress.tally.byType } };
  let errors: JobErrorInput[] = [];
  const open = openPart();
  const start = progress.cursor;
  let handled = 0;

  try {
    for (const [offset, name] of stages.slice(start.stage).entries()) {
      const stage = start.stage + offset;
      const fetchPage = (afterKey: string | null) => {
        const page = fetchStagePage(scope, context, { stage: name, afterKey, limit: PAGE_ROWS });
        // Read ahead while the page before is mapped; a failure surfaces when it is awaited, not as unhandled.
        page.catch(() => undefined);
        return page;
      };
      let next: Promise<StagePage> | undefined = fetchPage(offset === 0 ? start.afterKey : null);
      while (next) {
        const page: StagePage = await next;
        next = page.rows > 0 ? fetchPage(page.lastKey) : undefined;
        for (const outcome of page.toOutcomes()) {
          open.add(outcome);
          handled += 1;
          if (handled % YIELD_EVERY === 0) await nextTurnOfEventLoop();
          if (open.items.length % MAX_OBJECTS_PER_REQUEST !== 0) continue;
          // A cut: everything so far is whole batches, so the next part may start after this observable.
          for (const item of open.items) await writer.add(item);
          errors.push(...open.commitTo(tally));
          if (errors.length >= PAGE_ROWS) errors = await recordErrors(scope, job, errors, now);
          if (handled >= partRows) {
            const cursor = { stage, afterKey: outcome.key };
            return await finishPart(scope, { job, writer, errors, now, progress, cursor, tally });
          }
        }
      }
    }
    for (const item of open.items) await writer.add(item);
    errors.push(...open.commitTo(tally));
    return await finishPart(scope, { job, writer, errors, now, progress, cursor: null, tally });
  } catch (error) {
    // A retry deletes this part's batches first: no write of this attempt may land after that.
    await writer.settle();
    throw error;
  }
}

/** Outcomes since the last cut, counted into the tally only once their objects are in whole batches. */
function openPart() {
  let outcomes: Outcome[] = [];
  let items: BatchItem[] = [];
  return {
    get items() {
      return items;
    },
    add(outcome: Outcome) {
      outcomes.push(outcome);
      if (outcome.item) items.push(outcome.item);
    },
    commitTo(tally: PrepareTally): JobErrorInput[] {
      const errors: JobErrorInput[] = [];
      for (const { winner, item, counter, error } of outcomes) {
        if (winner) tally.winners += 1;
        if (counter) tally[counter] += 1;
        if (error) errors.push(error);
        if (item) {
          tally.toSend += 1;
          tally.byType[item.indicatorType] = (tally.byType[item.indicatorType] ?? 0) + 1;
        }
      }
      outcomes = [];
      items = [];
      return errors;
    },
  };
}

async function recordErrors(scope: Scope, job: StageContext["job"], errors: JobErrorInput[], now: Date) {
  await recordJobErrors(scope.db, job, errors, now, { repeats: "ignore" });
  return [];
}

async function finishPart(
  scope: Scope,
  part: {
    job: StageContext["job"];
    writer: ReturnType<typeof createBatchWriter>;
    errors: JobErrorInput[];
    now: Date;
    progress: PrepareProgress;
    cursor: PrepareProgress["cursor"];
    tally: PrepareTally;
  },
): Promise<PrepareProgress> {
  const { batches } = await part.writer.finish();
  await recordErrors(scope, part.job, part.errors, part.now);
  return { cursor: part.cursor, nextSeq: part.progress.nextSeq + batches, now: part.progress.now, tally: part.tally };
}

/** Writes the job's counts once every part is done and moves it on to upload (or straight to finalize). */
export async function finishPrepare(
  scope: Scope,
  input: { jobId: string; progress: PrepareProgress },
): Promise<PreparedJob> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  if (job.status !== "running") return NOTHING;
  const { tally } = input.progress;
  const batches = input.progress.nextSeq - 1;
  const [total] = await scope.db.select({ staged: count() }).from(syncStaging).where(eq(syncStaging.jobId, job.id));
  const staged = total?.staged ?? 0;
  const errorCounts = await scope.db
    .select({ phase: jobErrors.phase, errors: count() })
    .from(jobErrors)
    .where(and(eq(jobErrors.jobId, job.id), eq(jobErrors.source, "mapping")))
    .groupBy(jobErrors.phase);
  const unreadable = errorCounts.find((row) => row.phase === "download")?.errors ?? 0;
  const mappingErrors = errorCounts.reduce((sum, row) => sum + row.errors, 0);
  const duplicates = staged - tally.winners + tally.duplicates;
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
