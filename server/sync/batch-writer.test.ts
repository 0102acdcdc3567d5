import { asc, count, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { uploadBatchItems, uploadBatches } from "@/db/schema";
import { createServiceInput } from "@/server/services/service-input";
import { createService } from "@/server/services/services";
import { makeOrg, recordingEventSender, testDb, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";
import { requestJob } from "../jobs/jobs";
import { createBatchWriter, type BatchItem } from "./batch-writer";

function item(ordinal: number): BatchItem {
  return {
    reason: "new",
    indicatorKey: `Host:h${ordinal}.example`,
    tcId: String(ordinal),
    queryPosition: 1,
    indicatorType: "Host",
    indicatorValue: `h${ordinal}.example`,
    ownerName: "Owner",
    stixId: `indicator--${randomUUID()}`,
    revocationGeneration: 0,
    contentHash: "hash",
    modified: new Date("2026-01-01T00:00:00Z"),
    validUntil: null,
    object: { type: "indicator", name: `h${ordinal}.example` },
  };
}

async function jobOfNewOrg() {
  const { org } = await makeOrg();
  const deps = testDeps({ events: recordingEventSender().sender });
  const scope = { db: testDb, deps, orgId: org.id, actorUserId: null };
  const service = await createService(scope, createServiceInput.parse(serviceInput()));
  const { jobId } = await requestJob(scope, { serviceId: service.id, mode: "full", trigger: "manual" });
  return { id: jobId, orgId: org.id };
}

/** A writer whose every write fails: its batches name a job that does not exist. */
async function failingWriter() {
  const { org } = await makeOrg();
  return createBatchWriter(testDb, { id: randomUUID(), orgId: org.id });
}

async function itemCount(jobId: string) {
  const [row] = await testDb
    .select({ items: count() })
    .from(uploadBatchItems)
    .innerJoin(uploadBatches, eq(uploadBatches.id, uploadBatchItems.batchId))
    .where(eq(uploadBatches.jobId, jobId));
  return row?.items;
}

describe("createBatchWriter", () => {
  it("writes every object once, in batches of 100 numbered from firstSeq, the last one partial", async () => {
    const job = await jobOfNewOrg();
    const writer = createBatchWriter(testDb, job, { firstSeq: 7 });
    for (let ordinal = 0; ordinal < 2050; ordinal++) await writer.add(item(ordinal));
    expect(await writer.finish()).toEqual({ batches: 21, objects: 2050 });
    const batches = await testDb
      .select({ seq: uploadBatches.seq, objectCount: uploadBatches.objectCount })
      .from(uploadBatches)
      .where(eq(uploadBatches.jobId, job.id))
      .orderBy(asc(uploadBatches.seq));
    expect(batches.map((batch) => batch.seq)).toEqual(Array.from({ length: 21 }, (_, index) => 7 + index));
    expect(batches.at(-1)?.objectCount).toBe(50);
    expect(await itemCount(job.id)).toBe(2050);
  });

  it("settle waits for the write in flight", async () => {
    const job = await jobOfNewOrg();
    const writer = createBatchWriter(testDb, job);
    for (let ordinal = 0; ordinal < 1000; ordinal++) await writer.add(item(ordinal));
    await writer.settle();
    expect(await itemCount(job.id)).toBe(1000);
  });

  it("reports a write that fails while the caller goes on adding objects at finish", async () => {
    const writer = await failingWriter();
    for (let ordinal = 0; ordinal < 1000; ordinal++) await writer.add(item(ordinal));
    await expect(writer.finish()).rejects.toThrow(/insert into "upload_batches"/);
  });

  it("reports a failed write when the next write waits its turn; settle does not", async () => {
    const writer = await failingWriter();
    for (let ordinal = 0; ordinal < 1999; ordinal++) await writer.add(item(ordinal));
    await expect(writer.settle()).resolves.toBeUndefined();
    await expect(writer.add(item(1999))).rejects.toThrow(/insert into "upload_batches"/);
  });
});
