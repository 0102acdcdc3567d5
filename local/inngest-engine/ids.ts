import { createHash, randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeUlid(timeMs: number, entropy: Uint8Array): string {
  let time = "";
  let remaining = timeMs;
  for (let index = 0; index < 10; index++) {
    time = CROCKFORD.charAt(remaining % 32) + time;
    remaining = Math.floor(remaining / 32);
  }
  let bits = 0n;
  for (const byte of entropy.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let random = "";
  for (let index = 0; index < 16; index++) {
    random = CROCKFORD.charAt(Number(bits & 31n)) + random;
    bits >>= 5n;
  }
  return time + random;
}

export function newUlid(now: Date): string {
  return encodeUlid(now.getTime(), randomBytes(10));
}

/**
 * The SDK sends `x-inngest-event-id-seed: <ms>,<base64 entropy>` and keeps it across its own retries of
 * `send()`, so deriving ids from it makes a retried send produce the same ids (and be deduplicated).
 */
export function seededEventId(seed: string, index: number): string | undefined {
  const [millis, entropy] = seed.split(",");
  const timeMs = Number(millis);
  if (!entropy || !Number.isSafeInteger(timeMs) || timeMs < 0) return undefined;
  const digest = createHash("sha256").update(`${entropy}:${index}`).digest();
  return encodeUlid(timeMs, digest);
}
