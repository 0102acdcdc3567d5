import { and, asc, eq, exists, gt, lte, not, notExists } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { jobErrors, sentState, syncDeletions, syncStaging, type Job, type SentState } from "@/db/schema";

/**
 * Live objects of the service this job did not download:
 * - no_longer_matching (full): every one, since a full download returns all that still match;
 * - deleted (delta): those ThreatConnect deleted in the owner they were sent from;
 * - lapsing (delta): the rest whose valid_until passes before the horizon, to keep alive.
 */
export type RemovalKind = "no_longer_matching" | "deleted" | "lapsing";

/** One page of a kind's candidates in indicator-key order, after `afterKey` (null: from the start). */
export async function removalCandidatePage(
  db: DatabaseOrTransaction,
  input: {
    job: Job;
    service: { id: string; workspaceId: string };
    kind: RemovalKind;
    horizon: Date;
    afterKey: string | null;
    limit: number;
  },
): Promise<SentState[]> {
  const { job, service, kind } = input;
  const downloaded = db
    .select({ one: syncStaging.id })
    .from(syncStaging)
    .where(and(eq(syncStaging.jobId, job.id), eq(syncStaging.indicatorKey, sentState.indicatorKey)));
  const deletedFromItsOwner = db
    .select({ one: syncDeletions.jobId })
    .from(syncDeletions)
    .where(
      and(
        eq(syncDeletions.jobId, job.id),
        eq(syncDeletions.indicatorKey, sentState.indicatorKey),
        eq(syncDeletions.ownerName, sentState.ownerName),
      ),
    );
  // An indicator ThreatConnect returned but the client could not read still matches: it is not removed.
  const unreadableThisJob = db
    .select({ one: jobErrors.id })
    .from(jobErrors)
    .where(
      and(eq(jobErrors.jobId, job.id), eq(jobErrors.phase, "download"), eq(jobErrors.indicatorId, sentState.tcId)),
    );
  const byKind = {
    no_longer_matching: notExists(unreadableThisJob),
    deleted: exists(deletedFromItsOwner),
    lapsing: and(lte(sentState.validUntil, input.horizon), not(exists(deletedFromItsOwner))),
  }[kind];
  return db
    .select()
    .from(sentState)
    .where(
      and(
        eq(sentState.serviceId, service.id),
        eq(sentState.workspaceId, service.workspaceId),
        eq(sentState.revoked, false),
        notExists(downloaded),
        byKind,
        input.afterKey === null ? undefined : gt(sentState.indicatorKey, input.afterKey),
      ),
    )
    .orderBy(asc(sentState.indicatorKey))
    .limit(input.limit);
}
