import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { sentDailyCounts, sentState } from "@/db/schema";
import { orgWithService, seedSentState } from "@/server/reports/seed.test-support";
import { systemScopeAt, testDb } from "@/test/db";
import { dueServices } from "@/server/sync";
import { claimDemoStarts, forgetDemoSends } from "./demo-reset";

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

describe("claimDemoStarts", () => {
  test("keeps the scheduler from starting the services the demo starts itself, and only those", async () => {
    const started = await orgWithService();
    const other = await orgWithService();
    const now = new Date();
    const due = async () =>
      (await dueServices(systemScopeAt(testDb, now), { now })).map((service) => service.serviceId);
    expect(await due()).toEqual(expect.arrayContaining([started.service.id, other.service.id]));
    await claimDemoStarts(testDb, [started.service.id], now);
    expect(await due()).not.toContain(started.service.id);
    expect(await due()).toContain(other.service.id);
  });
});
