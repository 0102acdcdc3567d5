import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobs, uploadBatches } from "@/db/schema";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import { testDb } from "@/test/db";
import { IntegrationError } from "../errors";
import { jobRow, runJob, setQueries, usePipelineStack } from "./pipeline-harness.test-support";
import { listBatches, uploadAndCompleteBatch } from "./upload";

const stack = usePipelineStack({ indicators: 600, seed: 29 });

// A few hundred objects: several batches of 100.
const QUERIES = [{ owners: ["Demo Organization", "Demo Source"], types: [...INDICATOR_TYPES], tql: "rating >= 0" }];

const remainingOf = async (jobId: string) => (await jobRow(jobId)).batchesRemaining;

describe("uploadAndCompleteBatch", () => {
  it("sends a batch and counts it down in one go; a replay sends nothing and counts nothing again", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, QUERIES);
    const seen: { sent: number; remaining: number }[] = [];
    let replay: unknown;
    const { job } = await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const batches = await listBatches(scope, { jobId, offset: 0, limit: 1000 });
        expect(batches.length).toBeGreaterThan(1);
        for (const batch of batches) {
          const { sent, remaining } = await uploadAndCompleteBatch(scope, { jobId, batchId: batch.batchId });
          seen.push({ sent, remaining });
        }
        replay = await uploadAndCompleteBatch(scope, { jobId, batchId: batches[0]?.batchId ?? "" });
      },
    });

    expect(seen.map((batch) => batch.remaining)).toEqual(seen.map((_, index) => seen.length - index - 1));
    expect(seen.every((batch) => batch.sent > 0)).toBe(true);
    expect(replay).toEqual({ sent: 0, revoked: 0, rejected: 0, remaining: 0 });
    expect(job).toMatchObject({ status: "succeeded", batchesRemaining: 0 });
    expect(job.sentCount).toBe(seen.reduce((sum, batch) => sum + batch.sent, 0));
    expect(stack.azure.control.listObjects({ workspaceId: stack.azure.workspaceId }).length).toBeGreaterThan(0);
  });

  it("leaves a batch Sentinel did not take uncounted, for the retry; a stopped job's batch is counted without a send", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, QUERIES);
    const requestsBefore = stack.azure.control.requests().length;
    let requestsAfterStop = 0;
    const failedTurnEnds: (Date | null)[] = [];
    await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const [first, second] = await listBatches(scope, { jobId, offset: 0, limit: 1000 });
        const before = await remainingOf(jobId);
        stack.azure.control.setFaults({ serverErrorRate: 1 });
        try {
          const turn = {
            wait: () => Promise.resolve(),
            end: (answeredAt: Date | null) => {
              failedTurnEnds.push(answeredAt);
              return Promise.resolve();
            },
          };
          await expect(
            uploadAndCompleteBatch(scope, { jobId, batchId: first?.batchId ?? "", turn }),
          ).rejects.toBeInstanceOf(IntegrationError);
        } finally {
          stack.azure.control.setFaults({ serverErrorRate: 0 });
        }
        expect(await remainingOf(jobId)).toBe(before);
        const [pending] = await testDb
          .select()
          .from(uploadBatches)
          .where(eq(uploadBatches.id, first?.batchId ?? ""));
        expect(pending).toMatchObject({ status: "pending", completedAt: null });

        await testDb.update(jobs).set({ status: "cancelled" }).where(eq(jobs.id, jobId));
        const sentBefore = stack.azure.control.requests().length;
        expect(await uploadAndCompleteBatch(scope, { jobId, batchId: second?.batchId ?? "" })).toEqual({
          sent: 0,
          revoked: 0,
          rejected: 0,
          remaining: before - 1,
        });
        requestsAfterStop = stack.azure.control.requests().length - sentBefore;
        await testDb.update(jobs).set({ status: "running" }).where(eq(jobs.id, jobId));
      },
    });
    expect(stack.azure.control.requests().length).toBeGreaterThan(requestsBefore);
    expect(requestsAfterStop).toBe(0);
    // A request Sentinel refused was still sent: its turn ends at the refusal, keeping its place in the window.
    expect(failedTurnEnds).toHaveLength(1);
    expect(failedTurnEnds[0]).toBeInstanceOf(Date);
  });

  it("waits for its turn once the request is ready, and a job cancelled meanwhile sends nothing", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, QUERIES);
    const uploads = () => stack.azure.control.requests().filter((request) => request.path.includes(":upload")).length;
    const seenInTurn: number[] = [];
    const turnEnds: { answeredAt: Date | null; uploadsSoFar: number }[] = [];
    let after = 0;
    let cancelled: unknown;
    await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const [first, second] = await listBatches(scope, { jobId, offset: 0, limit: 1000 });
        const before = uploads();
        await uploadAndCompleteBatch(scope, {
          jobId,
          batchId: first?.batchId ?? "",
          turn: {
            wait: () => {
              seenInTurn.push(uploads() - before);
              return Promise.resolve();
            },
            end: (answeredAt) => {
              turnEnds.push({ answeredAt, uploadsSoFar: uploads() - before });
              return Promise.resolve();
            },
          },
        });
        after = uploads() - before;

        const remaining = await remainingOf(jobId);
        cancelled = await uploadAndCompleteBatch(scope, {
          jobId,
          batchId: second?.batchId ?? "",
          turn: {
            wait: async () => {
              await testDb.update(jobs).set({ status: "cancelled" }).where(eq(jobs.id, jobId));
            },
            end: (answeredAt) => {
              turnEnds.push({ answeredAt, uploadsSoFar: uploads() - before });
              return Promise.resolve();
            },
          },
        });
        expect(uploads() - before).toBe(1);
        expect(cancelled).toEqual({ sent: 0, revoked: 0, rejected: 0, remaining: remaining - 1 });
        await testDb.update(jobs).set({ status: "running" }).where(eq(jobs.id, jobId));
      },
    });
    expect(seenInTurn).toEqual([0]);
    expect(after).toBe(1);
    // The sent request's turn ends with its answer time; the cancelled one's gives its place back.
    expect(turnEnds.map((end) => [end.answeredAt instanceof Date, end.uploadsSoFar])).toEqual([
      [true, 1],
      [false, 1],
    ]);
    expect(turnEnds[1]?.answeredAt).toBeNull();
  });

  it("sends nothing when another attempt of the same batch sent it while this one waited for its turn", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, QUERIES);
    const uploads = () => stack.azure.control.requests().filter((request) => request.path.includes(":upload")).length;
    let sentByTwin: unknown;
    let requestsDuringTwin = 0;
    const twinTurnEnds: (Date | null)[] = [];
    await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const [first] = await listBatches(scope, { jobId, offset: 0, limit: 1000 });
        const before = uploads();
        sentByTwin = await uploadAndCompleteBatch(scope, {
          jobId,
          batchId: first?.batchId ?? "",
          turn: {
            wait: async () => {
              await testDb
                .update(uploadBatches)
                .set({ status: "sent" })
                .where(eq(uploadBatches.id, first?.batchId ?? ""));
            },
            end: (answeredAt) => {
              twinTurnEnds.push(answeredAt);
              return Promise.resolve();
            },
          },
        });
        requestsDuringTwin = uploads() - before;
      },
    });
    expect(requestsDuringTwin).toBe(0);
    expect(sentByTwin).toMatchObject({ sent: 0, revoked: 0, rejected: 0 });
    expect(twinTurnEnds).toEqual([null]);
  });
});
