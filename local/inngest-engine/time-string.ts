const UNIT_MS: Record<string, number> = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

const TIME_STRING = /^(?:\d+(?:ms|w|d|h|m|s))+$/;
const TIME_STRING_PART = /(\d+)(ms|w|d|h|m|s)/g;

/**
 * Parses Inngest's concatenated durations such as "1d2h30m10s" (the SDK's `timeStr` format; `ms` is accepted
 * too, like the Go server does). Throws on anything else so bad configuration surfaces at sync time.
 */
export function parseDurationMs(value: string): number {
  const trimmed = value.trim();
  if (!TIME_STRING.test(trimmed)) {
    throw new Error(`"${value}" is not a duration; expected a string such as "30s", "5m" or "1d2h"`);
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(TIME_STRING_PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
  }
  return total;
}

/**
 * A `Sleep` op carries either a duration ("5m") or an absolute ISO date (`step.sleepUntil`).
 */
export function resolveWakeTime(value: string, now: Date): Date {
  if (TIME_STRING.test(value.trim())) return new Date(now.getTime() + parseDurationMs(value));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`sleep target "${value}" is neither a duration nor an ISO date`);
  }
  return date;
}

/** `retry-after` is either a number of seconds or an HTTP/ISO date. */
export function parseRetryAfter(value: string, now: Date): Date | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return new Date(now.getTime() + Number(trimmed) * 1000);
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
