import { inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sentDailyCounts, sentState } from "@/db/schema";

/**
 * The Sentinel emulator starts empty on every demo run, so what the demo services sent to the last one is gone:
 * their sent-state (or the next full update would skip it as unchanged) and their daily sent counts (or REPORTS →
 * Overview would chart indicators this Sentinel never received).
 */
export async function forgetDemoSends(db: Database, serviceIds: string[]) {
  if (serviceIds.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.delete(sentState).where(inArray(sentState.serviceId, serviceIds));
    await tx.delete(sentDailyCounts).where(inArray(sentDailyCounts.serviceId, serviceIds));
  });
}
