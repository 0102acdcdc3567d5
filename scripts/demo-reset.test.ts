import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { sentDailyCounts, sentState } from "@/db/schema";
import { orgWithService, seedSentState } from "@/server/reports/seed.test-support";
import { testDb } from "@/test/db";
import { forgetDemoSends } from "./demo-reset";

async function serviceWithSends() {
  const { org, service } = await orgWithService();
  const ref = { orgId: org.id, serviceId: service.id };
  await seedSentState(ref, { type: "Address", sentAt: new Date() });
  await testDb
    .insert(sentDailyCounts)
    .values({ ...ref, day: "2033-01-02", indicatorType: "Address", sentCount: 7, revokedCount: 1 });
  return ref;
}

const rowsOf = async (serviceId: string) => ({
  sent: await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId)),
  daily: await testDb.select().from(sentDailyCounts).where(eq(sentDailyCounts.serviceId, serviceId)),
});

describe("forgetDemoSends", () => {
  test("removes the demo services' sent-state and daily sent counts, and nothing of other services", async () => {
    const demo = await serviceWithSends();
    const other = await serviceWithSends();
    await forgetDemoSends(testDb, [demo.serviceId]);
    expect(await rowsOf(demo.serviceId)).toEqual({ sent: [], daily: [] });
    const kept = await rowsOf(other.serviceId);
    expect(kept.sent).toHaveLength(1);
    expect(kept.daily).toEqual([expect.objectContaining({ sentCount: 7, revokedCount: 1 })]);
  });
});
