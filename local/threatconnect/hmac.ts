import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_CLOCK_SKEW_SECONDS = 300;

export type HmacVerdict<TUser> =
  { ok: true; accessId: string; user: TUser } | { ok: false; status: number; message: string };

/** ThreatConnect's own failure messages, so clients see what the real server would say. */
export const AUTH_MESSAGES = {
  accessDenied: "Access Denied",
  invalidTimestamp: "Invalid timestamp",
  clockSkew: "Timestamp out of acceptable time range",
  badSignature: "Signature data did not match expected result",
} as const;

const AUTHORIZATION_PATTERN = /^TC ([^:\s]+):(\S+)$/;

/**
 * ThreatConnect's documented scheme, written here from the docs rather than taken from the product, so a drift in
 * the product's signing shows up as a failed request: base64 of HMAC-SHA256 keyed by the secret over
 * `<path and query as sent>:<METHOD>:<Timestamp header>`.
 */
export function expectedSignature(secretKey: string, signedTarget: string, method: string, timestamp: string): string {
  return createHmac("sha256", secretKey).update(`${signedTarget}:${method}:${timestamp}`).digest("base64");
}

/**
 * Verifies against the raw request target as received; re-encoding it would accept requests ThreatConnect rejects.
 * A verdict that accepts carries the API user the secret came from, so callers need no second lookup.
 * `badSignatureStatus` is 401 by the docs' guidance, but real instances have answered 400.
 */
export function verifyHmac<TUser extends { secretKey: string }>(input: {
  authorization: string | undefined;
  timestamp: string | undefined;
  method: string;
  rawTarget: string;
  nowSeconds: number;
  userFor: (accessId: string) => TUser | undefined;
  badSignatureStatus?: number;
}): HmacVerdict<TUser> {
  const failureStatus = input.badSignatureStatus ?? 401;
  const match = AUTHORIZATION_PATTERN.exec(input.authorization ?? "");
  if (!match) return { ok: false, status: 401, message: AUTH_MESSAGES.accessDenied };
  const [, accessId = "", signature = ""] = match;
  const user = input.userFor(accessId);
  if (user === undefined) return { ok: false, status: 401, message: AUTH_MESSAGES.accessDenied };
  if (!input.timestamp || !/^\d+$/.test(input.timestamp)) {
    return { ok: false, status: failureStatus, message: AUTH_MESSAGES.invalidTimestamp };
  }
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, status: failureStatus, message: AUTH_MESSAGES.clockSkew };
  }
  const expected = Buffer.from(expectedSignature(user.secretKey, input.rawTarget, input.method, input.timestamp));
  const received = Buffer.from(signature);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, status: failureStatus, message: AUTH_MESSAGES.badSignature };
  }
  return { ok: true, accessId, user };
}
