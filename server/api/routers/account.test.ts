import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { users } from "@/db/schema";
import { callerFor, testDb } from "@/test/db";
import { signInWithPassword } from "@/server/auth/credentials";
import {
  ACCOUNT_FAILURE_LIMIT,
  IP_FAILURE_LIMIT,
  recordFailure,
  THROTTLE_WINDOW_MS,
  throttleKeys,
} from "@/server/auth/throttle";

const unique = () => `${crypto.randomUUID()}@example.test`;

describe("password accounts", () => {
  test("sign-up stores a scrypt hash, lowercases the email, and refuses duplicates on the email field", async () => {
    const email = unique();
    const api = callerFor(null);
    await api.account.signUp({ name: "Ada", email: email.toUpperCase(), password: "correct horse battery" });
    const [user] = await testDb.select().from(users).where(eq(users.email, email));
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    expect(user?.passwordHash).not.toContain("correct horse");
    const error = await api.account
      .signUp({ name: "Ada", email, password: "correct horse battery" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already exists/) });
  });

  test("sign-up rejects short passwords and bad emails with specific reasons", async () => {
    const api = callerFor(null);
    await expect(api.account.signUp({ name: "A", email: unique(), password: "short" })).rejects.toThrow(
      /at least 10 characters/,
    );
    await expect(api.account.signUp({ name: "A", email: "nope", password: "long enough pw" })).rejects.toThrow(
      /valid email/,
    );
  });

  test("sign-in answers the same 'invalid' for a wrong password and an unknown account", async () => {
    const email = unique();
    await callerFor(null).account.signUp({ name: "Bo", email, password: "a good long password" });
    const ip = `10.0.0.${Math.floor(Math.random() * 250)}`;
    expect(await signInWithPassword(testDb, { email, password: "a good long password", ip })).toMatchObject({
      ok: true,
    });
    expect(await signInWithPassword(testDb, { email, password: "wrong password!", ip })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await signInWithPassword(testDb, { email: unique(), password: "whatever123", ip })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  test("per-account throttle: after the limit even the right password waits, with the seconds left", async () => {
    const email = unique();
    await callerFor(null).account.signUp({ name: "Cy", email, password: "the right password" });
    const start = new Date("2026-01-01T00:00:00Z");
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      const at = new Date(start.getTime() + i * 1000);
      await signInWithPassword(testDb, { email, password: "wrong guess!!", ip: `192.0.2.${i}` }, at);
    }
    const now = new Date(start.getTime() + 60_000);
    const throttled = await signInWithPassword(
      testDb,
      { email, password: "the right password", ip: "192.0.2.99" },
      now,
    );
    expect(throttled).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: THROTTLE_WINDOW_MS / 1000 - 60 });

    const later = new Date(start.getTime() + THROTTLE_WINDOW_MS + 1000);
    expect(
      await signInWithPassword(testDb, { email, password: "the right password", ip: "192.0.2.99" }, later),
    ).toMatchObject({ ok: true });
  });

  test("per-IP throttle spans accounts", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const at = new Date("2026-02-01T00:00:00Z");
    // Recording the failures directly skips twenty deliberate password hashes; the gate is the same code.
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) await recordFailure(testDb, throttleKeys(unique(), ip), at);
    const result = await signInWithPassword(testDb, { email: unique(), password: "guess guess", ip }, at);
    expect(result).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: THROTTLE_WINDOW_MS / 1000 });
  });
});
