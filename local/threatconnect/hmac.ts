import { timingSafeEqual } from "node:crypto";
import { computeSignature } from "@/server/threatconnect/sign-request";

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
 * Verifies against the raw request target as received; re-encoding it would accept requests ThreatConnect rejects.
 * A verdict that accepts carries the API user the secret came from, so callers need no second lookup.
 */
export function verifyHmac<TUser extends { secretKey: string }>(input: {
  authorization: string | undefined;
  timestamp: string | undefined;
  method: string;
  rawTarget: string;
  nowSeconds: number;
  userFor: (accessId: string) => TUser | undefined;
}): HmacVerdict<TUser> {
  const match = AUTHORIZATION_PATTERN.exec(input.authorization ?? "");
  if (!match) return { ok: false, status: 401, message: AUTH_MESSAGES.accessDenied };
  const [, accessId = "", signature = ""] = match;
  const user = input.userFor(accessId);
  if (user === undefined) return { ok: false, status: 401, message: AUTH_MESSAGES.accessDenied };
  if (!input.timestamp || !/^\d+$/.test(input.timestamp)) {
    return { ok: false, status: 401, message: AUTH_MESSAGES.invalidTimestamp };
  }
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, status: 401, message: AUTH_MESSAGES.clockSkew };
  }
  const expected = Buffer.from(
    computeSignature(user.secretKey, `${input.rawTarget}:${input.method}:${input.timestamp}`),
  );
  const received = Buffer.from(signature);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, status: 401, message: AUTH_MESSAGES.badSignature };
  }
  return { ok: true, accessId, user };
}
