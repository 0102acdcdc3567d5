import { asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobErrors, jobs, uploadBatchItems, uploadBatches } from "@/db/schema";
import { cancelJob, requestJob } from "@/server/jobs";
import { testDb } from "@/test/db";
import { recordJobErrors } from "./job-errors";
import { setQueries, usePipelineStack, type TestQuery } from "./pipeline-harness.test-support";
import { beginPrepare, downloadQueryPage, finishPrepare, prepareJob, preparePart, startJob } from "./index";
import type { Scope } from "./system-scope";

const stack = usePipelineStack({ indicators: 1500, seed: 23 });

const QUERIES: TestQuery[] = [
  { owners: ["Demo Organization"], types: ["Host", "Address", "URL"], tql: "rating >= 3" },
  { owners: ["Demo Organization", "Demo Source", "Demo Community"], types: ["Host", "Address", "URL"], tql: "" },
];

/** A running full job whose download is staged, ready for prepare. */
async function downloadedJob() {
  const { scope, serviceId } = await stack.newService();
  await setQueries(scope, serviceId, QUERIES);
  const { jobId, requestId } = await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
  const started = await startJob(scope, { jobId, runId: `run-${jobId}` });
  if (started.status !== "started") throw new Error(`job did not start: ${started.status}`);
  for (const { position } of started.queries) {
    let cursor: string | null = null;
    for (let page = 1; page === 1 || cursor !== null; page++) {
      cursor = (await downloadQueryPage(scope, { jobId, position, page, cursor, pageSize: 400 })).next;
    }
  }
  return { scope, jobId, requestId };
}

async function batchesOf(jobId: string) {
  const batches = await testDb
    .select({ seq: uploadBatches.seq, objectCount: uploadBatches.objectCount })
    .from(uploadBatches)
    .where(eq(uploadBatches.jobId, jobId))
    .orderBy(asc(uploadBatches.seq));
  const items = await testDb
    .select({ key: uploadBatchItems.indicatorKey, stixId: uploadBatchItems.stixId })
    .from(uploadBatchItems)
    .innerJoin(uploadBatches, eq(uploadBatches.id, uploadBatchItems.batchId))
    .where(eq(uploadBatches.jobId, jobId));
  return { batches, items };
}

/** Runs every part of prepare, each one twice (a retry after its work was written but its result was lost). */
async function prepareInParts(scope: Scope, jobId: string, partRows: number) {
  let progress = await beginPrepare(scope, { jobId });
  const parts = [];
  while (progress.cursor) {
    const input = { jobId, progress, partRows };
    const first = await preparePart(scope, input);
    const retried = await preparePart(scope, input);
    expect(retried).toEqual(first);
    parts.push(first);
    progress = first;
  }
  return { parts, prepared: await finishPrepare(scope, { jobId, progress }) };
}

describe("prepare in parts", () => {
  it("writes each object once however often a part is retried, in the same batches as prepare in one go", async () => {
    const { scope, jobId } = await downloadedJob();
    const { parts, prepared } = await prepareInParts(scope, jobId, 250);
    expect(parts.length).toBeGreaterThan(2);
    const inParts = await batchesOf(jobId);

    expect(prepared.toSend).toBeGreaterThan(300);
    expect(inParts.items).toHaveLength(prepared.toSend);
    expect(new Set(inParts.items.map((item) => item.key)).size).toBe(prepared.toSend);
    expect(inParts.batches.map((batch) => batch.seq)).toEqual(inParts.batches.map((_, index) => index + 1));
    // No batch spans two parts, so only the last can be short.
    expect(inParts.batches.slice(0, -1).every((batch) => batch.objectCount === 100)).toBe(true);
    const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
    expect(job).toMatchObject({ toSendCount: prepared.toSend, batchCount: prepared.batches, phase: "upload" });

    const inOneGo = await prepareJob(scope, { jobId });
    expect(inOneGo).toEqual(prepared);
    const again = await batchesOf(jobId);
    expect(again.batches).toEqual(inParts.batches);
    expect(new Set(again.items.map((item) => item.stixId))).toEqual(new Set(inParts.items.map((item) => item.stixId)));
  });

  it("fails a part whose batches cannot be written, and its retry writes them once", async () => {
    const { scope, jobId } = await downloadedJob();
    await testDb.execute(
      sql.raw(`
      create function refuse_second_batch() returns trigger language plpgsql as $$
      begin
        if new.job_id = '${jobId}' and new.seq = 2 then raise exception 'batch 2 refused'; end if;
        return new;
      end $$;
      create trigger refuse_second_batch before insert on upload_batches
        for each row execute function refuse_second_batch();
    `),
    );
    const progress = await beginPrepare(scope, { jobId });
    await expect(preparePart(scope, { jobId, progress, partRows: 10_000 })).rejects.toThrow(
      /insert into "upload_batches"/,
    );
    await testDb.execute(sql`drop trigger refuse_second_batch on upload_batches`);

    const part = await preparePart(scope, { jobId, progress, partRows: 10_000 });
    const { batches, items } = await batchesOf(jobId);
    expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, index) => index + 1));
    expect(batches).toHaveLength(part.nextSeq - 1);
    expect(new Set(items.map((item) => item.key)).size).toBe(items.length);
  });

  it("stops at once on a job that is no longer running, and counts nothing", async () => {
    const { scope, jobId, requestId } = await downloadedJob();
    const progress = await beginPrepare(scope, { jobId });
    const first = await preparePart(scope, { jobId, progress, partRows: 250 });
    expect(first.cursor).not.toBeNull();
    await cancelJob(scope, { requestId });

    const next = await preparePart(scope, { jobId, progress: first, partRows: 250 });
    expect(next.cursor).toBeNull();
    expect(next.nextSeq).toBe(first.nextSeq);
    expect(await finishPrepare(scope, { jobId, progress: next })).toMatchObject({ batches: 0, toSend: 0 });
    expect(await beginPrepare(scope, { jobId })).toMatchObject({ cursor: null });
  });
});

describe("recordJobErrors", () => {
  it("counts a repeat as another occurrence, unless told the repeat is the same work done again", async () => {
    const { scope, jobId } = await downloadedJob();
    const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
    if (!job) throw new Error("no job");
    const error = { phase: "prepare" as const, source: "mapping" as const, message: "x: bad", indicator: { id: "7" } };
    const retried = { ...error, message: "y: bad" };
    const now = scope.deps.now();
    await recordJobErrors(testDb, job, [error, retried], now);
    await recordJobErrors(testDb, job, [error], now);
    await recordJobErrors(testDb, job, [retried], now, { repeats: "ignore" });
    const rows = await testDb
      .select({ message: jobErrors.message, occurrences: jobErrors.occurrences })
      .from(jobErrors)
      .where(eq(jobErrors.jobId, jobId))
      .orderBy(sql`${jobErrors.message}`);
    expect(rows).toEqual([
      { message: "x: bad", occurrences: 2 },
      { message: "y: bad", occurrences: 1 },
    ]);
  });
});
