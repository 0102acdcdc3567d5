import type { DatabaseOrTransaction } from "@/db/client";
import { uploadBatches, uploadBatchItems } from "@/db/schema";
import { MAX_OBJECTS_PER_REQUEST } from "../sentinel";

export type BatchItem = Omit<typeof uploadBatchItems.$inferInsert, "batchId" | "ordinal">;

/**
 * Collects prepared objects and writes them as upload batches of at most Sentinel's 100 objects, so at most one
 * batch's objects are ever held in memory.
 */
export function createBatchWriter(db: DatabaseOrTransaction, job: { id: string; orgId: string }) {
  let pending: BatchItem[] = [];
  let batches = 0;
  let objects = 0;

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    batches += 1;
    objects += items.length;
    const [batch] = await db
      .insert(uploadBatches)
      .values({ orgId: job.orgId, jobId: job.id, seq: batches, objectCount: items.length })
      .returning({ id: uploadBatches.id });
    if (!batch) throw new Error("batch insert returned nothing");
    await db.insert(uploadBatchItems).values(items.map((item, ordinal) => ({ ...item, batchId: batch.id, ordinal })));
  }

  return {
    async add(item: BatchItem): Promise<void> {
      pending.push(item);
      if (pending.length >= MAX_OBJECTS_PER_REQUEST) await flush();
    },
    /** Writes the last, partial batch; returns how many batches and objects were written in all. */
    async finish(): Promise<{ batches: number; objects: number }> {
      await flush();
      return { batches, objects };
    },
  };
}
