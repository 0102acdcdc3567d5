import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import type { Database } from "@/db/client";
import { signInFailures, users } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { errorOf, systemScopeAt, testDb, testDeps } from "@/test/db";
import { signInWithPassword, signUpWithPassword } from "./credentials";
import { hashPassword } from "./password";
import {
  ACCOUNT_FAILURE_LIMIT,
  IP_FAILURE_LIMIT,
  reserveAttempt,
  SIGN_UP_LIMIT_PER_CLIENT,
  signInRules,
  signUpRules,
  THROTTLE_WINDOW_MS,
  throttleKey,
} from "./throttle";

const unique = () => `${randomUUID()}@example.test`;
const randomIp = () => `198.51.100.${Math.floor(Math.random() * 250)}`;
// Close to the real clock: each reservation trims rows older than its window, so far-off test times would
// trim other tests' rows.
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function accountWith(password: string) {
  const email = unique();
  await testDb.insert(users).values({ email, name: "T", passwordHash: await hashPassword(password) });
  return email;
}

async function attemptsRecordedFor(email: string) {
  return testDb
    .select()
    .from(signInFailures)
    .where(eq(signInFailures.throttleKey, throttleKey("account", email)));
}

describe("sign-in throttle", () => {
  test("after the account's limit even the right password waits, with the seconds left", async () => {
    const email = await accountWith("the right password");
    const start = minutesFromNow(0);
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      const at = new Date(start.getTime() + i * 1000);
      await signInWithPassword(systemScopeAt(testDb, at), { email, password: "wrong guess!!", ip: `192.0.2.${i}` });
    }
    const now = new Date(start.getTime() + 60_000);
    const throttled = await signInWithPassword(systemScopeAt(testDb, now), {
      email,
      password: "the right password",
      ip: randomIp(),
    });
    expect(throttled).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: THROTTLE_WINDOW_MS / 1000 - 60 });
    const later = new Date(start.getTime() + THROTTLE_WINDOW_MS + 1000);
    const signedIn = await signInWithPassword(systemScopeAt(testDb, later), {
      email,
      password: "the right password",
      ip: randomIp(),
    });
    expect(signedIn).toMatchObject({ ok: true });
    expect(await attemptsRecordedFor(email)).toEqual([]);
  });

  test("the per-IP budget spans accounts", async () => {
    const ip = randomIp();
    const at = minutesFromNow(0);
    // Reserving directly skips twenty deliberate password hashes; the gate is the same code.
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) await reserveAttempt(testDb, signInRules(unique(), ip), at);
    const result = await signInWithPassword(systemScopeAt(testDb, at), {
      email: unique(),
      password: "guess guess",
      ip,
    });
    expect(result).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: THROTTLE_WINDOW_MS / 1000 });
  });

  test("oversized forwarded addresses cannot stop failures from being recorded (the reported bypass)", async () => {
    const email = await accountWith("the right password");
    const at = minutesFromNow(0);
    for (let i = 0; i <= ACCOUNT_FAILURE_LIMIT + 1; i++) {
      const ip = randomBytes(1500).toString("hex");
      const result = await signInWithPassword(systemScopeAt(testDb, at), { email, password: `wrong guess ${i}`, ip });
      expect(result.ok).toBe(false);
    }
    const right = await signInWithPassword(systemScopeAt(testDb, at), {
      email,
      password: "the right password",
      ip: randomIp(),
    });
    expect(right).toMatchObject({ ok: false, reason: "throttled" });
    expect(throttleKey("account", "x".repeat(100_000))).toHaveLength(throttleKey("account", "a@b.test").length);
  });

  test("parallel wrong attempts get exactly the account's limit of guesses, not one each", async () => {
    const email = await accountWith("the right password");
    const at = minutesFromNow(0);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signInWithPassword(systemScopeAt(testDb, at), {
          email,
          password: `parallel guess ${i}`,
          ip: `192.0.2.${100 + i}`,
        }),
      ),
    );
    const reasons = results.map((result) => (result.ok ? "ok" : result.reason));
    expect(reasons.filter((reason) => reason === "invalid")).toHaveLength(ACCOUNT_FAILURE_LIMIT);
    expect(reasons.filter((reason) => reason === "throttled")).toHaveLength(12 - ACCOUNT_FAILURE_LIMIT);
    expect(await attemptsRecordedFor(email)).toHaveLength(ACCOUNT_FAILURE_LIMIT);
  });

  test("when the attempt cannot be recorded, the sign-in is refused (fails closed)", async () => {
    const email = await accountWith("the right password");
    const unavailable = new Proxy(testDb, {
      get: (target, property, receiver) =>
        property === "transaction"
          ? () => Promise.reject(new Error("could not extend file: No space left on device"))
          : (Reflect.get(target, property, receiver) as unknown),
    }) as Database;
    await expect(
      signInWithPassword(systemScopeAt(unavailable, minutesFromNow(0)), {
        email,
        password: "the right password",
        ip: randomIp(),
      }),
    ).rejects.toThrow(/No space left/);
  });

  test("over-long credentials are refused before any hashing or recording", async () => {
    const email = await accountWith("the right password");
    const result = await signInWithPassword(systemScopeAt(testDb, minutesFromNow(0)), {
      email,
      password: "p".repeat(1_000_000),
      ip: randomIp(),
    });
    expect(result).toEqual({ ok: false, reason: "invalid" });
    expect(await attemptsRecordedFor(email)).toEqual([]);
  });
});

describe("sign-up throttle", () => {
  const callerFrom = (forwardedFor: string) =>
    createCaller({
      db: testDb,
      deps: testDeps(),
      session: null,
      headers: new Headers({ "x-forwarded-for": forwardedFor }),
    });

  test("a client over its sign-up budget is refused before the password is hashed", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < SIGN_UP_LIMIT_PER_CLIENT; i++) await reserveAttempt(testDb, signUpRules(ip), new Date());
    const email = unique();
    const error = await errorOf(callerFrom(ip).account.signUp({ name: "Bulk", email, password: "long enough pw" }));
    expect(error).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/Too many sign-ups/) });
    expect(await testDb.select().from(users).where(eq(users.email, email))).toEqual([]);
    const elsewhere = unique();
    await callerFrom(randomIp()).account.signUp({ name: "Other", email: elsewhere, password: "long enough pw" });
    expect(await testDb.select().from(users).where(eq(users.email, elsewhere))).toHaveLength(1);
  });

  test("every sign-up counts, successful or not", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    await signUpWithPassword(systemScopeAt(testDb, new Date()), {
      name: "A",
      email: unique(),
      password: "long enough pw",
      ip,
    });
    const recorded = await testDb
      .select()
      .from(signInFailures)
      .where(eq(signInFailures.throttleKey, throttleKey("sign-up", ip)));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
  });

  test("an email too long for the address limit is refused with the field's reason", async () => {
    const error = await errorOf(
      callerFrom(randomIp()).account.signUp({
        name: "A",
        email: `${"a".repeat(5000)}@example.test`,
        password: "long enough pw",
      }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/Email address is too long/) });
  });
});
