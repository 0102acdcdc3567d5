import { inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sentDailyCounts, sentState, services, serviceSyncState } from "@/db/schema";

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

/**
 * The demo starts these services' first updates itself right after syncing the engine; marking them started first
 * keeps the scheduler's first tick, which can land in between, from starting a second run of each.
 */
export async function claimDemoStarts(db: Database, serviceIds: string[], now: Date) {
  if (serviceIds.length === 0) return;
  const rows = await db
    .select({ serviceId: services.id, orgId: services.orgId })
    .from(services)
    .where(inArray(services.id, serviceIds));
  await db
    .insert(serviceSyncState)
    .values(rows.map((row) => ({ ...row, lastStartedAt: now })))
    .onConflictDoUpdate({ target: serviceSyncState.serviceId, set: { lastStartedAt: now } });
}
