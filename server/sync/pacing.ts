import { setTimeout as delay } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import { principalPacing } from "@/db/schema";
import type { AzureCloud } from "@/lib/vocabulary";
import { getServiceInOrg } from "@/server/services/services";
import type { Scope } from "@/server/scope";

/** Sentinel's documented limit: 100 upload requests in any 60 seconds per calling principal. */
export const SENTINEL_REQUESTS_PER_MINUTE = 100;
/**
 * Each request's place in the window is its answer time once it has one (see endRequestTurn), and Sentinel counts a
 * request before it answers it, so the window holds whatever the delay between a claimed start and the request's
 * arrival. The margin covers only a request whose answer has not come back a minute later, when its claimed start
 * still stands in for it: 1% of the minute, 600 ms at the real one.
 */
const WINDOW_MARGIN = 0.01;

/** The window any 100 requests of a principal must span: a minute and its margin. */
export function pacingWindowMs(minuteMs: number): number {
  return minuteMs * (1 + WINDOW_MARGIN);
}
/**
 * Time lost to a stall (a slow step, a busy database) is made up at 1.5 times the sustained rate, not in one burst.
 * Only once the window holds 100 starts: a principal's first requests (cold connections, a first token) arrive
 * late and unevenly, and at catch-up speed the 101st then reached Sentinel less than a minute after the first.
 */
const CATCH_UP_SPEED = 1.5;

export function principalKeyOf(principal: { azureCloud: AzureCloud; tenantId: string; clientId: string }): string {
  return [principal.azureCloud, principal.tenantId, principal.clientId].map((part) => part.toLowerCase()).join(":");
}

export async function principalKeyOfService(scope: Scope, input: { serviceId: string }): Promise<string> {
  return principalKeyOf(await getServiceInOrg(scope, { serviceId: input.serviceId }));
}

/** The sustained interval between starts: the window over its 100 requests. */
export function pacingIntervalMs(minuteMs: number): number {
  return pacingWindowMs(minuteMs) / SENTINEL_REQUESTS_PER_MINUTE;
}

/**
 * What one upload may take end to end (engine dispatch, database, Sentinel's answer) on a loaded machine: about a
 * second was measured with the CPU shared by a dozen processes, so twice that leaves room.
 */
const UPLOAD_DURATION_BUDGET_MS = 2000;
/**
 * At a scaled 6-second minute an upload run held its slot for about 1.1 s (p50) on a loaded 2-core machine, plus
 * the engine's dispatch of its completion: 16 slots started about 10 uploads a second where the pacing allows 16
 * (bench:sync 0.63 of the limit at 200k), 32 reached 0.9 at 30k.
 */
const MAX_UPLOADS_IN_FLIGHT = 32;

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
 * Claims the principal's next request start: the earliest moment that is not in the past, an interval after the
 * last start (two thirds of one once the window is full), and the window's length after the 100th latest time in
 * the principal's window. A sliding window rather than a fixed spacing: a start claimed late (the engine was slow
 * to dispatch, the machine was busy) leaves room that the following starts use, so a stall no longer costs the
 * principal its budget, while no 100 requests ever fall in less than a minute. One atomic upsert of the principal's
 * row, so every process and function sharing the principal claims from the same window, and the row is locked for
 * one statement. The row keeps the 100 latest times in ascending order: a new start is never earlier than any of
 * them (answers are recorded in the past, starts are claimed in the future), so appending keeps the order.
 */
export async function reserveRequestStart(
  scope: PacingScope,
  input: { principalKey: string; minuteMs: number },
): Promise<Date> {
  const now = scope.deps.now();
  // Whole milliseconds, rounded up, as the column keeps them: rounding to the nearest could shave the margin.
  const catchUpSpacingSeconds = Math.ceil(pacingIntervalMs(input.minuteMs) / CATCH_UP_SPEED) / 1000;
  const sustainedSpacingSeconds = Math.ceil(pacingIntervalMs(input.minuteMs)) / 1000;
  const windowSeconds = Math.ceil(pacingWindowMs(input.minuteMs)) / 1000;
  const times = sql`${principalPacing.recentStarts}`;
  const count = sql`cardinality(${times})`;
  // greatest() skips the null of a window not yet full.
  const start = sql`greatest(
    excluded.last_accepted_start_at,
    ${principalPacing.lastAcceptedStartAt} + make_interval(secs => case when ${count} >= ${SENTINEL_REQUESTS_PER_MINUTE}
      then ${catchUpSpacingSeconds}::float8 else ${sustainedSpacingSeconds}::float8 end),
    case when ${count} >= ${SENTINEL_REQUESTS_PER_MINUTE}
      then ${times}[${count} - ${SENTINEL_REQUESTS_PER_MINUTE - 1}] + make_interval(secs => ${windowSeconds}) end
  )`;
  const [row] = await scope.db
    .insert(principalPacing)
    .values({ principalKey: input.principalKey, lastAcceptedStartAt: now, recentStarts: [now] })
    .onConflictDoUpdate({
      target: principalPacing.principalKey,
      set: {
        lastAcceptedStartAt: start,
        recentStarts: sql`(array_append(${times}, ${start}))[greatest(1, ${count} - ${SENTINEL_REQUESTS_PER_MINUTE - 2}):]`,
      },
    })
    .returning({ startAt: principalPacing.lastAcceptedStartAt });
  if (!row) throw new Error("pacing upsert returned no row");
  return row.startAt;
}

/**
 * Ends a turn claimed with reserveRequestStart. A request that was sent takes its answer time in the window in
 * place of its claimed start: Sentinel counted it at some moment between the two, so later starts are paced from a
 * time it cannot have been counted after, whatever delayed it on the way (a busy event loop, a slow network). A
 * request that was never sent (its job stopped while it waited) gives its place back. The times are sorted again,
 * since an answer can come later than starts claimed after it, and only the 100 latest matter to the next claim.
 */
export async function endRequestTurn(
  scope: PacingScope,
  input: { principalKey: string; startAt: Date; answeredAt: Date | null },
): Promise<void> {
  const claimed = sql`${input.startAt.toISOString()}::timestamptz(3)`;
  const times =
    input.answeredAt === null
      ? sql`array_remove(${principalPacing.recentStarts}, ${claimed})`
      : sql`array_replace(${principalPacing.recentStarts}, ${claimed}, greatest(${claimed}, ${input.answeredAt.toISOString()}::timestamptz(3)))`;
  await scope.db
    .update(principalPacing)
    .set({ recentStarts: sql`array(select time from unnest(${times}) as time order by time)` })
    .where(
      and(eq(principalPacing.principalKey, input.principalKey), sql`${claimed} = any(${principalPacing.recentStarts})`),
    );
}

/**
 * Waits for the principal's next request start. Returns the claimed start, which endRequestTurn takes once the
 * request is answered or given up, and how long it waited, which task rows show as throttling.
 */
export async function waitForRequestStart(
  scope: PacingScope,
  input: { principalKey: string; minuteMs: number },
): Promise<{ startAt: Date; waitedMs: number }> {
  const startAt = await reserveRequestStart(scope, input);
  const waitedMs = Math.max(0, startAt.getTime() - scope.deps.now().getTime());
  if (waitedMs > 0) await delay(waitedMs);
  return { startAt, waitedMs };
}

/**
 * A turn under Sentinel's rate limit, taken once the request is ready, so the turn is not spent on the batch's
 * reads or the token. `end` gets the moment the request was answered or failed, or null when nothing was sent.
 */
export type RequestTurn = {
  wait: () => Promise<void>;
  end: (answeredAt: Date | null) => Promise<void>;
};

/**
 * One request's turn for a principal: `wait` claims a start and waits for it, `end` puts the answer in the window
 * (and does nothing if no start was claimed, as when the request failed before its turn). `waitedMs` is what the
 * task row shows as throttling.
 */
export function requestTurn(
  scope: PacingScope,
  input: { principalKey: string; minuteMs: number },
): RequestTurn & { waitedMs: () => number } {
  let claimed: { startAt: Date; waitedMs: number } | undefined;
  return {
    async wait() {
      claimed = await waitForRequestStart(scope, input);
    },
    async end(answeredAt) {
      if (!claimed) return;
      await endRequestTurn(scope, { principalKey: input.principalKey, startAt: claimed.startAt, answeredAt });
    },
    waitedMs: () => claimed?.waitedMs ?? 0,
  };
}
