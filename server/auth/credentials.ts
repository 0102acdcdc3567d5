import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { users, type User } from "@/db/schema";
import { getDecoyHash, hashPassword, verifyPassword } from "./password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-policy";
import { clearAccountFailures, recordFailure, secondsUntilAllowed, throttleKeys } from "./throttle";

export const emailSchema = z
  .email("Enter a valid email address")
  .max(254, "Email address is too long")
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

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists. Sign in instead.");
  }
}

export async function signUpWithPassword(db: Database, input: SignUpInput): Promise<Pick<User, "id" | "email">> {
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({ name: input.name, email: input.email, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email });
  if (!user) throw new EmailTakenError();
  return user;
}

export type PasswordSignInResult =
  | { ok: true; user: Pick<User, "id" | "email" | "name"> }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * One generic "invalid" answer for unknown email and wrong password alike, and the same hashing work on
 * both paths, so sign-in reveals neither which accounts exist nor, by timing, which emails are registered.
 */
export async function signInWithPassword(
  db: Database,
  input: { email: string; password: string; ip: string },
  now = new Date(),
): Promise<PasswordSignInResult> {
  const email = input.email.trim().toLowerCase();
  const keys = throttleKeys(email, input.ip);
  const retryAfterSeconds = await secondsUntilAllowed(db, keys, now);
  if (retryAfterSeconds > 0) return { ok: false, reason: "throttled", retryAfterSeconds };

  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  const isValid = await verifyPassword(input.password, user?.passwordHash ?? (await getDecoyHash()));
  if (!user?.passwordHash || !isValid) {
    await recordFailure(db, keys, now);
    return { ok: false, reason: "invalid" };
  }
  await clearAccountFailures(db, email);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
