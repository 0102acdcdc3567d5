import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sentDailyCounts, sentState, services, uploadBatchItems, uploadBatches } from "@/db/schema";
import { testDb } from "@/test/db";
import { jobRow, runJob, setQueries, usePipelineStack } from "./pipeline-harness.test-support";
import { addSentDailyCounts, utcDay } from "./sent-daily";
import { uploadBatch } from "./upload";

const stack = usePipelineStack({ indicators: 400, seed: 23 });

const HOSTS = [{ owners: ["Demo Organization"], types: ["Host"], tql: "rating >= 0" }];

async function dailyRows(serviceId: string) {
  return testDb
    .select()
    .from(sentDailyCounts)
    .where(eq(sentDailyCounts.serviceId, serviceId))
    .orderBy(sentDailyCounts.day, sentDailyCounts.indicatorType);
}

describe("sent_daily_counts from uploads", () => {
  it("counts only what Sentinel accepted, once per object even when a sent batch is uploaded again", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, HOSTS);
    const firstDay = utcDay(new Date());
    let firstBatch = "";
    const { job } = await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const [batch] = await testDb.select().from(uploadBatches).where(eq(uploadBatches.jobId, jobId));
        firstBatch = batch?.id ?? "";
        const items = await testDb.select().from(uploadBatchItems).where(eq(uploadBatchItems.batchId, firstBatch));
        // Sentinel refuses a pattern it cannot parse: these two must not count as sent.
        for (const item of items.slice(0, 2)) {
          await testDb
            .update(uploadBatchItems)
            .set({ object: { ...item.object, pattern: "[not a pattern" } })
            .where(and(eq(uploadBatchItems.batchId, item.batchId), eq(uploadBatchItems.ordinal, item.ordinal)));
        }
      },
    });
    const lastDay = utcDay(new Date());
    expect(job).toMatchObject({ status: "partially_succeeded", rejectedCount: 2 });
    expect(job.sentCount).toBeGreaterThan(0);

    const rows = await dailyRows(serviceId);
    expect(rows.map((row) => row.indicatorType)).toEqual(rows.map(() => "Host"));
    expect(rows.every((row) => row.day >= firstDay && row.day <= lastDay && row.orgId === scope.orgId)).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.sentCount, 0)).toBe(job.sentCount);
    expect(rows.reduce((sum, row) => sum + row.revokedCount, 0)).toBe(0);

    // A replay after a lost response: the batch is already sent, so nothing is counted again.
    expect(await uploadBatch(scope, { jobId: job.id, batchId: firstBatch })).toEqual({
      sent: 0,
      revoked: 0,
      rejected: 0,
    });
    expect((await dailyRows(serviceId)).reduce((sum, row) => sum + row.sentCount, 0)).toBe(job.sentCount);
  });

  it("counts revocations apart from sends, and a delta adds to the day's counts", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, HOSTS);
    const { job: full } = await runJob(scope, { serviceId, mode: "full" });
    const live = await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId));
    for (const row of live.slice(0, 3)) stack.threatConnect.control.deleteIndicator(row.tcId ?? "");
    // A new tag always changes what is sent; a rating could already be the one set (the dataset draws 0-5).
    for (const row of live.slice(3, 7)) {
      stack.threatConnect.control.modifyIndicator(row.tcId ?? "", { tags: ["Daily count test"] });
    }

    const { job: delta } = await runJob(scope, { serviceId, mode: "delta" });
    expect(delta).toMatchObject({ status: "succeeded", sentCount: 4, revokedCount: 3 });
    const rows = await dailyRows(serviceId);
    expect(rows.reduce((sum, row) => sum + row.sentCount, 0)).toBe(full.sentCount + 4);
    expect(rows.reduce((sum, row) => sum + row.revokedCount, 0)).toBe(3);
    expect((await jobRow(delta.id)).sentCount).toBe(4);
  });
});

describe("addSentDailyCounts", () => {
  it("adds to the UTC day of the send per type, and goes with its service", async () => {
    const { scope, serviceId } = await stack.newService();
    const ref = { orgId: scope.orgId, serviceId };
    // 23:30 in New York on 1 March is 2 March in UTC.
    const lateEvening = new Date("2031-03-01T23:30:00-05:00");
    await addSentDailyCounts(testDb, {
      ...ref,
      at: lateEvening,
      accepted: [
        { indicatorType: "Host", reason: "new" },
        { indicatorType: "Host", reason: "revoke" },
        { indicatorType: "URL", reason: "changed" },
      ],
    });
    await addSentDailyCounts(testDb, {
      ...ref,
      at: new Date("2031-03-02T23:59:59.999Z"),
      accepted: [{ indicatorType: "Host", reason: "keep_alive" }],
    });
    await addSentDailyCounts(testDb, { ...ref, at: new Date("2031-03-03T00:00:00.000Z"), accepted: [] });
    await addSentDailyCounts(testDb, {
      ...ref,
      at: new Date("2031-03-03T00:00:00.000Z"),
      accepted: [{ indicatorType: "Host", reason: "new" }],
    });

    expect(
      (await dailyRows(serviceId)).map(({ day, indicatorType, sentCount, revokedCount }) => ({
        day,
        indicatorType,
        sentCount,
        revokedCount,
      })),
    ).toEqual([
      { day: "2031-03-02", indicatorType: "Host", sentCount: 2, revokedCount: 1 },
      { day: "2031-03-02", indicatorType: "URL", sentCount: 1, revokedCount: 0 },
      { day: "2031-03-03", indicatorType: "Host", sentCount: 1, revokedCount: 0 },
    ]);

    await testDb.delete(services).where(eq(services.id, serviceId));
    expect(await dailyRows(serviceId)).toEqual([]);
  });
});
