import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { principalPacing } from "@/db/schema";
import type { AzureCloud } from "@/lib/vocabulary";
import { getServiceInOrg } from "@/server/services/services";
import type { Scope } from "@/server/scope";

/** Sentinel's documented limit: 100 upload requests in any 60 seconds per calling principal. */
export const SENTINEL_REQUESTS_PER_MINUTE = 100;
/**
 * Requests are spaced for 98 per minute, not 100: a request reaches Sentinel a few milliseconds after its reserved
 * start, and that jitter must never squeeze 101 starts into one sliding window. 98% still meets the 97% goal.
 */
const PACED_REQUESTS_PER_MINUTE = 98;

/**
 * Sentinel counts requests per Entra ID application, so every service of every organization that uses the same
 * app registration in the same tenant and cloud shares one budget and one key.
 */
export function principalKeyOf(principal: { azureCloud: AzureCloud; tenantId: string; clientId: string }): string {
  return [principal.azureCloud, principal.tenantId, principal.clientId].map((part) => part.toLowerCase()).join(":");
}

export async function principalKeyOfService(scope: Scope, input: { serviceId: string }): Promise<string> {
  return principalKeyOf(await getServiceInOrg(scope, { serviceId: input.serviceId }));
}

export function pacingIntervalMs(minuteMs: number): number {
  return Math.ceil(minuteMs / PACED_REQUESTS_PER_MINUTE);
}

/**
 * What one upload may take end to end (engine dispatch, database, Sentinel's answer) on a loaded machine: about a
 * second was measured with the CPU shared by a dozen processes, so twice that leaves room.
 */
const UPLOAD_DURATION_BUDGET_MS = 2000;
const MAX_UPLOADS_IN_FLIGHT = 8;

/**
 * Uploads of one principal allowed in flight at once. The reserved start, not this limit, spaces the requests, so
 * the limit only has to cover an upload's own duration: when an upload takes longer than the interval between
 * starts (always at scaled minutes, and at the real one on a slow database), the next ones must already be waiting
 * for their turn, or the principal's budget goes unused.
 */
export function uploadsInFlightPerPrincipal(minuteMs: number): number {
  const needed = Math.ceil(UPLOAD_DURATION_BUDGET_MS / pacingIntervalMs(minuteMs));
  return Math.min(MAX_UPLOADS_IN_FLIGHT, Math.max(1, needed));
}

type PacingScope = Pick<Scope, "db" | "deps">;

/**
 * Claims the principal's next request start: now, or one interval after the last claimed start, whichever is
 * later. One atomic upsert in Postgres, so every process and every function that shares the principal sees the
 * same schedule, and the engine's latency between steps is absorbed instead of added to each interval.
 */
export async function reserveRequestStart(
  scope: PacingScope,
  input: { principalKey: string; minuteMs: number },
): Promise<Date> {
  const now = scope.deps.now();
  const intervalSeconds = pacingIntervalMs(input.minuteMs) / 1000;
  const [row] = await scope.db
    .insert(principalPacing)
    .values({ principalKey: input.principalKey, lastAcceptedStartAt: now })
    .onConflictDoUpdate({
      target: principalPacing.principalKey,
      set: {
        lastAcceptedStartAt: sql`greatest(excluded.last_accepted_start_at, ${principalPacing.lastAcceptedStartAt} + make_interval(secs => ${intervalSeconds}))`,
      },
    })
    .returning({ startAt: principalPacing.lastAcceptedStartAt });
  if (!row) throw new Error("pacing upsert returned no row");
  return row.startAt;
}

/** Waits for the principal's next request start; returns how long it waited, which task rows show as throttling. */
export async function waitForRequestStart(
  scope: PacingScope,
  input: { principalKey: string; minuteMs: number },
): Promise<{ waitedMs: number }> {
  const startAt = await reserveRequestStart(scope, input);
  const waitedMs = Math.max(0, startAt.getTime() - scope.deps.now().getTime());
  if (waitedMs > 0) await delay(waitedMs);
  return { waitedMs };
}
