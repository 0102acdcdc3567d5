import type { SentState } from "@/db/schema";
import type { UploadReason } from "@/lib/vocabulary";

export type Decision = { send: false } | { send: true; reason: UploadReason; revocationGeneration: number };

/** What this service last told Sentinel about one observable, as far as deciding needs to know. */
export type LastSent = Pick<SentState, "revocationGeneration" | "revoked" | "contentHash" | "validUntil">;

/** The id generation a still-matching indicator is mapped under: a revoked object is final. */
export function generationFor(lastSent: LastSent | undefined): number {
  if (!lastSent) return 0;
  return lastSent.revoked ? lastSent.revocationGeneration + 1 : lastSent.revocationGeneration;
}

/**
 * Whether a still-matching indicator goes to Sentinel: new, changed, or about to lapse before the next scheduled
 * run (keep-alive). A revoked object is final, so an indicator that matches again goes out under the next
 * generation's id.
 */
export function decide(lastSent: LastSent | undefined, contentHash: string, keepAliveHorizon: Date): Decision {
  if (!lastSent) return { send: true, reason: "new", revocationGeneration: 0 };
  if (lastSent.revoked) return { send: true, reason: "new", revocationGeneration: lastSent.revocationGeneration + 1 };
  const generation = lastSent.revocationGeneration;
  if (contentHash !== lastSent.contentHash) {
    return { send: true, reason: "changed", revocationGeneration: generation };
  }
  if (lastSent.validUntil !== null && lastSent.validUntil <= keepAliveHorizon) {
    return { send: true, reason: "keep_alive", revocationGeneration: generation };
  }
  return { send: false };
}

/** Every version Sentinel receives is later than the one before it, even when ThreatConnect's clock says otherwise. */
export function nextModified(candidate: Date, lastModifiedSent: Date | undefined): Date {
  if (!lastModifiedSent || candidate > lastModifiedSent) return candidate;
  return new Date(lastModifiedSent.getTime() + 1);
}

/** An object whose valid_until passes before this (the next scheduled run, with slack) is re-sent now. */
export function keepAliveHorizon(now: Date, scheduleIntervalHours: number): Date {
  return new Date(now.getTime() + (scheduleIntervalHours + KEEP_ALIVE_MARGIN_HOURS) * 3_600_000);
}

/** A scheduled run can start late and take a while; an hour of slack keeps objects live across it. */
const KEEP_ALIVE_MARGIN_HOURS = 1;
