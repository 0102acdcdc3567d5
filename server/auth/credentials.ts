import { eq } from "drizzle-orm";
import { z } from "zod";
import { users, type User } from "@/db/schema";
import { DomainError } from "../errors";
import type { SystemScope } from "../scope";
import { getDecoyHash, hashPassword, verifyPassword } from "./password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import { clearAccountFailures, releaseAttempts, reserveAttempt, signInRules, signUpRules } from "./throttle";

/** RFC 5321's limit; checked before the email pattern runs, so no oversized input reaches the parser. */
export const MAX_EMAIL_LENGTH = 254;

export const emailSchema = z
  .string()
  .max(MAX_EMAIL_LENGTH, "Email address is too long")
  .pipe(z.email("Enter a valid email address"))
  .transform((email) => email.trim().toLowerCase());

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100, "Name must be at most 100 characters"),
  email: emailSchema,
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`),
});
export type SignUpInput = z.infer<typeof signUpInput>;

/** Every sign-up counts against the client's budget before the password is hashed, successful or not. */
export async function signUpWithPassword(
  scope: SystemScope,
  input: SignUpInput & { ip: string | null },
): Promise<Pick<User, "id" | "email">> {
  const { db } = scope;
  const reservation = await reserveAttempt(db, signUpRules(input.ip), scope.deps.now());
  if (!reservation.allowed) {
    throw new DomainError(
      "TOO_MANY_REQUESTS",
      `Too many sign-ups from your network. Try again in ${reservation.retryAfterSeconds} s.`,
    );
  }
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({ name: input.name, email: input.email, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email });
  if (!user) throw new DomainError("CONFLICT", "An account with this email already exists. Sign in instead.", "email");
  return user;
}

export type PasswordSignInResult =
  | { ok: true; user: Pick<User, "id" | "email" | "name"> }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * One generic "invalid" answer for unknown email and wrong password alike, and the same hashing work on
 * both paths, so sign-in reveals neither which accounts exist nor, by timing, which emails are registered.
 * The attempt is recorded before the password is checked and handed back only when it succeeds, so parallel
 * guesses cannot all slip in under the limit; if recording fails, the error propagates and nobody signs in.
 */
export async function signInWithPassword(
  scope: SystemScope,
  input: { email: string; password: string; ip: string | null },
): Promise<PasswordSignInResult> {
  const { db } = scope;
  // No account can have such credentials, so they are refused before any hashing or database work.
  if (input.email.length > MAX_EMAIL_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    return { ok: false, reason: "invalid" };
  }
  const email = input.email.trim().toLowerCase();
  const reservation = await reserveAttempt(db, signInRules(email, input.ip), scope.deps.now());
  if (!reservation.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: reservation.retryAfterSeconds };

  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  const isValid = await verifyPassword(input.password, user?.passwordHash ?? (await getDecoyHash()));
  if (!user?.passwordHash || !isValid) return { ok: false, reason: "invalid" };
  await releaseAttempts(db, reservation.attemptIds);
  await clearAccountFailures(db, email);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
