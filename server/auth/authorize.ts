import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "@/lib/password-policy";
import type { SystemScope } from "../scope";
import { clientIp } from "./client-ip";
import { MAX_EMAIL_LENGTH, signInWithPassword, type PasswordSignInResult } from "./credentials";
import { describeAuthErrorForLog } from "./log-redaction";

// Over-long values are refused before they reach the throttle or the password hash.
const credentialsInput = z.object({
  email: z.string().max(MAX_EMAIL_LENGTH),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});

export type PasswordAuthorization = PasswordSignInResult | { ok: false; reason: "unavailable" };

/**
 * What the Credentials provider's `authorize` decides, from the raw form values and the request headers. When
 * the attempt cannot be recorded the answer is "unavailable", never a sign-in: the throttle fails closed.
 */
export async function authorizeWithPassword(
  scope: SystemScope,
  raw: unknown,
  headers: Headers,
): Promise<PasswordAuthorization> {
  const parsed = credentialsInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const ip = clientIp(headers, scope.deps.trustedProxyHops);
  try {
    return await signInWithPassword(scope, { ...parsed.data, ip });
  } catch (error) {
    console.error(`[auth] sign-in refused, throttle unavailable: ${describeAuthErrorForLog(error)}`);
    return { ok: false, reason: "unavailable" };
  }
}
