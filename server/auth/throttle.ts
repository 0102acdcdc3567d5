import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { signInFailures } from "@/db/schema";

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Per account: enough for typos, too few for guessing. Per IP: higher, because offices share addresses. */
export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 20;

export function throttleKeys(email: string, ip: string) {
  return [
    { key: `account:${email.toLowerCase()}`, limit: ACCOUNT_FAILURE_LIMIT },
    { key: `ip:${ip}`, limit: IP_FAILURE_LIMIT },
  ];
}

/**
 * Seconds until another attempt is allowed, or 0. With `limit` failures inside the window, the next attempt
 * opens when the oldest of the most recent `limit` failures leaves the window.
 */
export async function secondsUntilAllowed(
  db: DatabaseOrTransaction,
  keys: { key: string; limit: number }[],
  now = new Date(),
): Promise<number> {
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  let wait = 0;
  for (const { key, limit } of keys) {
    const recent = await db
      .select({ failedAt: signInFailures.failedAt })
      .from(signInFailures)
      .where(and(eq(signInFailures.throttleKey, key), gte(signInFailures.failedAt, windowStart)))
      .orderBy(asc(signInFailures.failedAt));
    if (recent.length < limit) continue;
    const gate = recent[recent.length - limit];
    if (!gate) continue;
    const opensAt = gate.failedAt.getTime() + THROTTLE_WINDOW_MS;
    wait = Math.max(wait, Math.ceil((opensAt - now.getTime()) / 1000));
  }
  return wait;
}

export async function recordFailure(db: DatabaseOrTransaction, keys: { key: string }[], now = new Date()) {
  await db.insert(signInFailures).values(keys.map(({ key }) => ({ throttleKey: key, failedAt: now })));
  // Old rows can never throttle anyone again; trimming here keeps the table small without a cron.
  await db.delete(signInFailures).where(lt(signInFailures.failedAt, new Date(now.getTime() - THROTTLE_WINDOW_MS)));
}

export async function clearAccountFailures(db: DatabaseOrTransaction, email: string) {
  await db.delete(signInFailures).where(eq(signInFailures.throttleKey, `account:${email.toLowerCase()}`));
}
