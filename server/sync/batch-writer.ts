import type { DatabaseOrTransaction } from "@/db/client";
import { uploadBatches, type uploadBatchItems } from "@/db/schema";
import { MAX_OBJECTS_PER_REQUEST } from "../sentinel";
import { insertJsonRows, type JsonRowColumn } from "./json-rows";

export type BatchItem = Omit<typeof uploadBatchItems.$inferInsert, "batchId" | "ordinal" | "modified"> & {
  modified: Date;
};

const ITEM_COLUMNS: readonly JsonRowColumn[] = [
  ["batch_id", "uuid"],
  ["ordinal", "int"],
  ["reason", "text"],
  ["indicator_key", "text"],
  ["tc_id", "text"],
  ["query_position", "int"],
  ["indicator_type", "text"],
  ["indicator_value", "text"],
  ["owner_name", "text"],
  ["stix_id", "text"],
  ["revocation_generation", "int"],
  ["content_hash", "text"],
  ["modified", "timestamptz"],
  ["valid_until", "timestamptz"],
  ["object", "json"],
];

/** Batches written per round trip: ten batches' items stay well under Postgres's 65,535 bind parameters. */
const BATCHES_PER_WRITE = 10;

/**
 * Collects prepared objects and writes them as upload batches of at most Sentinel's 100 objects, a few batches
 * per round trip, so memory holds at most those few batches however large the job. Batches are numbered from
 * `firstSeq`, so a part of prepare can continue the numbering where the part before it stopped.
 */
export function createBatchWriter(
  db: DatabaseOrTransaction,
  job: { id: string; orgId: string },
  options: { firstSeq?: number } = {},
) {
  let pending: BatchItem[] = [];
  let batches = 0;
  const seqBase = (options.firstSeq ?? 1) - 1;
  let objects = 0;

  /**
   * The write in flight: the caller maps the next objects while Postgres stores these. The next flush waits for it
   * first, so at most one is in flight and its failure surfaces at the next add or at finish.
   */
  let writing: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    await writing;
    if (pending.length === 0) return;
    const groups: BatchItem[][] = [];
    for (let start = 0; start < pending.length; start += MAX_OBJECTS_PER_REQUEST) {
      groups.push(pending.slice(start, start + MAX_OBJECTS_PER_REQUEST));
    }
    pending = [];
    const firstSeq = seqBase + batches + 1;
    batches += groups.length;
    objects += groups.reduce((sum, group) => sum + group.length, 0);
    writing = write(groups, firstSeq);
    // Awaited by the next flush; until then a failure must not count as unhandled.
    writing.catch(() => undefined);
  }

  async function write(groups: BatchItem[][], firstSeq: number): Promise<void> {
    const written = await db
      .insert(uploadBatches)
      .values(
        groups.map((group, index) => ({
          orgId: job.orgId,
          jobId: job.id,
          seq: firstSeq + index,
          objectCount: group.length,
        })),
      )
      .returning({ id: uploadBatches.id, seq: uploadBatches.seq });
    const idBySeq = new Map(written.map((batch) => [batch.seq, batch.id]));
    const rows = groups.flatMap((group, index) => {
      const batchId = idBySeq.get(firstSeq + index);
      if (!batchId) throw new Error(`batch ${firstSeq + index} was not written`);
      return group.map((item, ordinal) => ({
        batch_id: batchId,
        ordinal,
        reason: item.reason,
        indicator_key: item.indicatorKey,
        tc_id: item.tcId ?? null,
        query_position: item.queryPosition,
        indicator_type: item.indicatorType,
        indicator_value: item.indicatorValue,
        owner_name: item.ownerName,
        stix_id: item.stixId,
        revocation_generation: item.revocationGeneration,
        content_hash: item.contentHash,
        modified: item.modified.toISOString(),
        valid_until: item.validUntil?.toISOString() ?? null,
        object: item.object,
      }));
    });
    await insertJsonRows(db, "upload_batch_items", ITEM_COLUMNS, rows);
  }

  return {
    async add(item: BatchItem): Promise<void> {
      pending.push(item);
      if (pending.length >= MAX_OBJECTS_PER_REQUEST * BATCHES_PER_WRITE) await flush();
    },
    /** Waits for the write in flight, whatever its outcome: a failed part leaves nothing writing behind it. */
    async settle(): Promise<void> {
      await writing.catch(() => undefined);
    },
    /** Writes the last, partial batch; returns how many batches and objects were written in all. */
    async finish(): Promise<{ batches: number; objects: number }> {
      await flush();
      await writing;
      return { batches, objects };
    },
  };
}
