import { createHash } from "node:crypto";
import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { signInFailures } from "@/db/schema";

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Per account: enough for typos, too few for guessing. Per IP: higher, because offices share addresses. */
export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 20;
/**
 * Each sign-up costs a password hash; a person signs up once, a script thousands of times. Roomy enough for an
 * office signing up together, or the browser suite, which signs everyone up from 127.0.0.1.
 */
export const SIGN_UP_LIMIT_PER_CLIENT = 30;

export interface ThrottleRule {
  key: string;
  limit: number;
}

/**
 * Keys are a short kind plus a SHA-256 of the value, so any email or address yields a fixed-size key: an
 * oversized key can neither fail the insert (btree rows are capped) nor otherwise skip the recording.
 */
export function throttleKey(kind: "account" | "ip" | "sign-up", value: string): string {
  return `${kind}:${createHash("sha256").update(value).digest("base64url")}`;
}

/** An attempt without a trustworthy client address is still held to its account's budget. */
export function signInRules(email: string, ip: string | null): ThrottleRule[] {
  return [
    { key: throttleKey("account", email.trim().toLowerCase()), limit: ACCOUNT_FAILURE_LIMIT },
    ...(ip ? [{ key: throttleKey("ip", ip), limit: IP_FAILURE_LIMIT }] : []),
  ];
}

export function signUpRules(ip: string | null): ThrottleRule[] {
  return ip ? [{ key: throttleKey("sign-up", ip), limit: SIGN_UP_LIMIT_PER_CLIENT }] : [];
}

export type Reservation = { allowed: true; attemptIds: number[] } | { allowed: false; retryAfterSeconds: number };

/**
 * Check and record in one step: under a transaction-scoped advisory lock per key (taken in key order, so two
 * attempts never deadlock), either refuse with the wait or record this attempt against every key before the
 * caller does the expensive part. Parallel attempts therefore queue on the lock and each sees the ones before
 * it; a sign-in that then succeeds hands its attempts back with `releaseAttempts`. Any database failure
 * propagates, and callers refuse the attempt: the throttle fails closed.
 */
export async function reserveAttempt(
  db: DatabaseOrTransaction,
  rules: ThrottleRule[],
  now: Date,
): Promise<Reservation> {
  if (rules.length === 0) return { allowed: true, attemptIds: [] };
  const ordered = [...rules].sort((a, b) => a.key.localeCompare(b.key));
  return db.transaction(async (tx) => {
    for (const { key } of ordered) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    }
    const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
    const recent = await tx
      .select({ key: signInFailures.throttleKey, failedAt: signInFailures.failedAt })
      .from(signInFailures)
      .where(
        and(
          inArray(
            signInFailures.throttleKey,
            ordered.map(({ key }) => key),
          ),
          gte(signInFailures.failedAt, windowStart),
        ),
      )
      .orderBy(signInFailures.failedAt);
    const retryAfterSeconds = Math.max(0, ...ordered.map((rule) => secondsUntilOpen(rule, recent, now)));
    if (retryAfterSeconds > 0) return { allowed: false, retryAfterSeconds };
    const inserted = await tx
      .insert(signInFailures)
      .values(ordered.map(({ key }) => ({ throttleKey: key, failedAt: now })))
      .returning({ id: signInFailures.id });
    // Old rows can never throttle anyone again; trimming here keeps the table small without a cron.
    await tx.delete(signInFailures).where(lt(signInFailures.failedAt, windowStart));
    return { allowed: true, attemptIds: inserted.map(({ id }) => id) };
  });
}

/**
 * With `limit` attempts inside the window, the next one opens when the oldest of the most recent `limit`
 * leaves the window.
 */
function secondsUntilOpen(rule: ThrottleRule, recent: { key: string; failedAt: Date }[], now: Date): number {
  const attempts = recent.filter(({ key }) => key === rule.key);
  const gate = attempts[attempts.length - rule.limit];
  if (attempts.length < rule.limit || !gate) return 0;
  return Math.ceil((gate.failedAt.getTime() + THROTTLE_WINDOW_MS - now.getTime()) / 1000);
}

export async function releaseAttempts(db: DatabaseOrTransaction, attemptIds: number[]) {
  if (attemptIds.length === 0) return;
  await db.delete(signInFailures).where(inArray(signInFailures.id, attemptIds));
}

export async function clearAccountFailures(db: DatabaseOrTransaction, email: string) {
  await db
    .delete(signInFailures)
    .where(eq(signInFailures.throttleKey, throttleKey("account", email.trim().toLowerCase())));
}
