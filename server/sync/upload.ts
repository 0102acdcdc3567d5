import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { jobs, uploadBatches, uploadBatchItems } from "@/db/schema";
import { getJobInOrg } from "../jobs/job-rows";
import { createSentinelClient, type UploadOutcome } from "../sentinel";
import { sentinelConnectionOf } from "../services/connections";
import { getServiceInOrg } from "../services/services";
import { sourceSystemFor } from "../stix";
import { recordJobErrors, type JobErrorInput } from "./job-errors";
import { insertJsonRows, type JsonRowColumn } from "./json-rows";
import type { RequestTurn } from "./pacing";
import { addSentDailyCounts } from "./sent-daily";
import type { Scope } from "./system-scope";

type Item = typeof uploadBatchItems.$inferSelect;

/**
 * sent_state's columns, the key first. A batch's 100 rows go in as one JSON parameter: through the query builder
 * they were 1,700 parameters, whose building cost more app CPU than the rest of an upload.
 */
const SENT_STATE_COLUMNS: readonly JsonRowColumn[] = [
  ["service_id", "uuid"],
  ["workspace_id", "text"],
  ["indicator_key", "text"],
  ["org_id", "uuid"],
  ["stix_id", "text"],
  ["revocation_generation", "int"],
  ["content_hash", "text"],
  ["valid_until", "timestamptz"],
  ["revoked", "boolean"],
  ["last_modified_sent", "timestamptz"],
  ["last_sent_at", "timestamptz"],
  ["tc_id", "text"],
  ["query_position", "int"],
  ["indicator_type", "text"],
  ["indicator_value", "text"],
  ["owner_name", "text"],
  ["object", "jsonb"],
];
/** A re-send replaces everything but the key and the org. */
const SENT_STATE_KEPT_COLUMNS = 4;

async function batchOf(db: DatabaseOrTransaction, jobId: string, batchId: string) {
  const [batch] = await db
    .select()
    .from(uploadBatches)
    .where(and(eq(uploadBatches.id, batchId), eq(uploadBatches.jobId, jobId)));
  if (!batch) throw new Error(`Batch ${batchId} is not a batch of job ${jobId}`);
  return batch;
}

/**
 * Every transaction that touches a job and its batches takes the job row first, as cancelJob does: taking the
 * batch first while cancel holds the job and waits for the batches would deadlock the two.
 */
async function lockJobRow(tx: DatabaseOrTransaction, jobId: string) {
  await tx.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, jobId)).for("update");
}

/** The job's batches in order, a page at a time, for fanning them out in chunks. */
export async function listBatches(scope: Scope, input: { jobId: string; offset: number; limit: number }) {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  return scope.db
    .select({ batchId: uploadBatches.id, seq: uploadBatches.seq })
    .from(uploadBatches)
    .where(eq(uploadBatches.jobId, job.id))
    .orderBy(asc(uploadBatches.seq))
    .offset(input.offset)
    .limit(input.limit);
}

export type UploadedBatch = { sent: number; revoked: number; rejected: number };

/**
 * Sends one batch to Sentinel. What Sentinel accepted becomes the service's sent-state in the same transaction
 * that marks the batch sent, so a crash between the two cannot leave them disagreeing; per-record rejections
 * become job errors naming the indicator. Throttling and outages throw the client's IntegrationError for the
 * caller to retry; a batch of a job no longer running is not sent.
 */
export async function uploadBatch(scope: Scope, input: { jobId: string; batchId: string }): Promise<UploadedBatch> {
  return (await sendBatch(scope, input, false)).uploaded;
}

/**
 * uploadBatch then completeBatch, with the count-down in the transaction that records Sentinel's answer: the
 * pipeline's upload step, five database round trips shorter than the two verbs one after the other.
 */
export async function uploadAndCompleteBatch(
  scope: Scope,
  input: BatchToSend,
): Promise<UploadedBatch & { remaining: number }> {
  const { uploaded, remaining } = await sendBatch(scope, input, true);
  const { jobId, batchId } = input;
  return { ...uploaded, remaining: remaining ?? (await completeBatch(scope, { jobId, batchId })).remaining };
}

type BatchToSend = {
  jobId: string;
  batchId: string;
  /** A job cancelled while the turn is awaited sends nothing. */
  turn?: RequestTurn;
};

/**
 * Thrown from the wait for a turn when there is nothing left to send: the job stopped, or another attempt of the
 * same batch (a redelivered step) sent it meanwhile. Never leaves sendBatch.
 */
class NothingToSendAfterWaiting extends Error {}

const NOTHING_SENT: UploadedBatch = { sent: 0, revoked: 0, rejected: 0 };

/** `remaining` is set when the batch was counted down with its outcome, and undefined when nothing was sent. */
async function sendBatch(
  scope: Scope,
  input: BatchToSend,
  countDown: boolean,
): Promise<{ uploaded: UploadedBatch; remaining?: number }> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  // Independent reads go out together: each round trip is paid once per batch, a hundred times a minute.
  const [batch, service, items] = await Promise.all([
    batchOf(scope.db, job.id, input.batchId),
    getServiceInOrg(scope, { serviceId: job.serviceId }),
    scope.db
      .select()
      .from(uploadBatchItems)
      .where(eq(uploadBatchItems.batchId, input.batchId))
      .orderBy(asc(uploadBatchItems.ordinal)),
  ]);
  if (job.status !== "running" || batch.status !== "pending") return { uploaded: NOTHING_SENT };
  await scope.db
    .update(uploadBatches)
    .set({ attempt: sql`${uploadBatches.attempt} + 1` })
    .where(eq(uploadBatches.id, batch.id));
  const client = createSentinelClient(sentinelConnectionOf(scope.deps, service), {
    endpoints: scope.deps.sentinelEndpoints,
    now: scope.deps.now,
  });
  const { turn } = input;
  const beforeSend = turn
    ? async () => {
        await turn.wait();
        const [current] = await scope.db
          .select({ jobStatus: jobs.status, batchStatus: uploadBatches.status })
          .from(uploadBatches)
          .innerJoin(jobs, eq(jobs.id, uploadBatches.jobId))
          .where(and(eq(uploadBatches.id, batch.id), eq(jobs.id, job.id)));
        if (current?.jobStatus !== "running" || current.batchStatus !== "pending")
          throw new NothingToSendAfterWaiting();
      }
    : undefined;
  let outcome: UploadOutcome;
  try {
    outcome = await client.upload(
      sourceSystemFor(service.sourceName),
      items.map((item) => ({ ...item.object, id: item.stixId, type: "indicator" })),
      { beforeSend },
    );
  } catch (error) {
    if (error instanceof NothingToSendAfterWaiting) {
      await turn?.end(null);
      return { uploaded: NOTHING_SENT };
    }
    await turn?.end(scope.deps.now());
    throw error;
  }
  // Taken now, written once the outcome is recorded (or failed to be): the answer's moment, without holding the
  // job's lock for the pacing row.
  const answeredAt = scope.deps.now();
  try {
    return await scope.db.transaction(async (tx) => {
      await lockJobRow(tx, job.id);
      const now = scope.deps.now();
      const recorded = await recordOutcome(tx, { job, service, batchId: batch.id, items, outcome, now });
      const uploaded = recorded ?? NOTHING_SENT;
      if (!countDown) return { uploaded };
      return { uploaded, remaining: await countBatchDown(tx, job, { batchId: batch.id, now }) };
    });
  } finally {
    await turn?.end(answeredAt);
  }
}

async function recordOutcome(
  tx: DatabaseOrTransaction,
  input: {
    job: { id: string; orgId: string; serviceId: string };
    service: { id: string; workspaceId: string };
    batchId: string;
    items: Item[];
    outcome: UploadOutcome;
    now: Date;
  },
): Promise<UploadedBatch | null> {
  const { job, service, items, outcome, now } = input;
  const messagesByIndex = new Map(outcome.rejected.map((rejection) => [rejection.index, rejection.messages]));
  const accepted = items.filter((item) => !messagesByIndex.has(item.ordinal));
  const rejected = items.filter((item) => messagesByIndex.has(item.ordinal));
  const revoked = accepted.filter((item) => item.reason === "revoke").length;
  // Only one caller records a batch: a replay after a lost response finds it sent already.
  const [marked] = await tx
    .update(uploadBatches)
    .set({ status: "sent", acceptedCount: accepted.length, rejectedCount: rejected.length })
    .where(and(eq(uploadBatches.id, input.batchId), ne(uploadBatches.status, "sent")))
    .returning({ id: uploadBatches.id });
  if (!marked) return null;
  await insertJsonRows(
    tx,
    "sent_state",
    SENT_STATE_COLUMNS,
    accepted.map((item) => ({
      service_id: service.id,
      workspace_id: service.workspaceId,
      indicator_key: item.indicatorKey,
      org_id: job.orgId,
      stix_id: item.stixId,
      revocation_generation: item.revocationGeneration,
      content_hash: item.contentHash,
      valid_until: item.validUntil,
      revoked: item.reason === "revoke",
      last_modified_sent: item.modified,
      last_sent_at: now,
      tc_id: item.tcId,
      query_position: item.queryPosition,
      indicator_type: item.indicatorType,
      indicator_value: item.indicatorValue,
      owner_name: item.ownerName,
      object: item.object,
    })),
    sql`on conflict (service_id, workspace_id, indicator_key) do update set ${sql.raw(
      SENT_STATE_COLUMNS.slice(SENT_STATE_KEPT_COLUMNS)
        .map(([name]) => `"${name}" = excluded."${name}"`)
        .join(", "),
    )}`,
  );
  await addSentDailyCounts(tx, { orgId: job.orgId, serviceId: service.id, at: now, accepted });
  const errors: JobErrorInput[] = rejected.map((item) => ({
    phase: "upload",
    source: "sentinel",
    message: (messagesByIndex.get(item.ordinal) ?? []).join("; ") || "Sentinel rejected the object without a reason",
    indicator: {
      id: item.tcId ?? undefined,
      type: item.indicatorType,
      value: item.indicatorValue,
      ownerName: item.ownerName,
    },
  }));
  await recordJobErrors(tx, job, errors, now);
  await tx
    .update(jobs)
    .set({
      sentCount: sql`${jobs.sentCount} + ${accepted.length - revoked}`,
      revokedCount: sql`${jobs.revokedCount} + ${revoked}`,
      rejectedCount: sql`${jobs.rejectedCount} + ${rejected.length}`,
    })
    .where(eq(jobs.id, job.id));
  return { sent: accepted.length - revoked, revoked, rejected: rejected.length };
}

/**
 * Counts a batch down once, whatever its outcome; `error` marks it failed (retries exhausted) and records why.
 * The caller that sees `remaining: 0` finalizes the job; a replay sees 0 again, and finalizing is idempotent.
 */
export async function completeBatch(
  scope: Scope,
  input: { jobId: string; batchId: string; error?: string },
): Promise<{ remaining: number }> {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  const now = scope.deps.now();
  return scope.db.transaction(async (tx) => {
    await lockJobRow(tx, job.id);
    return { remaining: await countBatchDown(tx, job, { ...input, now }) };
  });
}

/** Inside a transaction holding the job row: marks the batch completed once and returns the job's batches left. */
async function countBatchDown(
  tx: DatabaseOrTransaction,
  job: { id: string; orgId: string; serviceId: string },
  input: { batchId: string; error?: string; now: Date },
): Promise<number> {
  const { now } = input;
  const batch = await batchOf(tx, job.id, input.batchId);
  if (input.error !== undefined && batch.status === "pending") {
    await tx
      .update(uploadBatches)
      .set({ status: "failed", error: input.error })
      .where(and(eq(uploadBatches.id, batch.id), eq(uploadBatches.status, "pending")));
    await recordJobErrors(
      tx,
      job,
      [{ phase: "upload", source: "sentinel", message: `Batch ${batch.seq} was not delivered: ${input.error}` }],
      now,
    );
  }
  const [counted] = await tx
    .update(uploadBatches)
    .set({ completedAt: now })
    .where(and(eq(uploadBatches.id, batch.id), isNull(uploadBatches.completedAt)))
    .returning({ id: uploadBatches.id });
  if (!counted) {
    const [current] = await tx.select({ remaining: jobs.batchesRemaining }).from(jobs).where(eq(jobs.id, job.id));
    return current?.remaining ?? 0;
  }
  const [updated] = await tx
    .update(jobs)
    .set({ batchesRemaining: sql`greatest(${jobs.batchesRemaining} - 1, 0)` })
    .where(eq(jobs.id, job.id))
    .returning({ remaining: jobs.batchesRemaining });
  return updated?.remaining ?? 0;
}
