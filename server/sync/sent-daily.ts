import { sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { sentDailyCounts } from "@/db/schema";
import type { UploadReason } from "@/lib/vocabulary";

/** The UTC calendar day of an instant, as Postgres's `date` reads it. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Adds what Sentinel accepted from one batch to the per-day counts. Called only inside the transaction that first
 * marks the batch sent, so a retried batch is never counted twice.
 */
export async function addSentDailyCounts(
  tx: DatabaseOrTransaction,
  input: {
    orgId: string;
    serviceId: string;
    at: Date;
    accepted: { indicatorType: string; reason: UploadReason }[];
  },
): Promise<void> {
  const byType = new Map<string, { sent: number; revoked: number }>();
  for (const item of input.accepted) {
    const counts = byType.get(item.indicatorType) ?? { sent: 0, revoked: 0 };
    if (item.reason === "revoke") counts.revoked += 1;
    else counts.sent += 1;
    byType.set(item.indicatorType, counts);
  }
  if (byType.size === 0) return;
  const day = utcDay(input.at);
  await tx
    .insert(sentDailyCounts)
    .values(
      [...byType].map(([indicatorType, counts]) => ({
        serviceId: input.serviceId,
        day,
        indicatorType,
        orgId: input.orgId,
        sentCount: counts.sent,
        revokedCount: counts.revoked,
      })),
    )
    .onConflictDoUpdate({
      target: [sentDailyCounts.serviceId, sentDailyCounts.day, sentDailyCounts.indicatorType],
      set: {
        sentCount: sql`${sentDailyCounts.sentCount} + excluded.sent_count`,
        revokedCount: sql`${sentDailyCounts.revokedCount} + excluded.revoked_count`,
      },
    });
}
