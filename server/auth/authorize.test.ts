import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, test, vi } from "vitest";
import type { Database } from "@/db/client";
import { users } from "@/db/schema";
import { testDb, testDeps } from "@/test/db";
import { authorizeWithPassword } from "./authorize";
import { hashPassword } from "./password";
import { ACCOUNT_FAILURE_LIMIT } from "./throttle";

const scope = { db: testDb, deps: testDeps() };

async function accountWith(password: string) {
  const email = `${randomUUID()}@example.test`;
  await testDb.insert(users).values({ email, name: "T", passwordHash: await hashPassword(password) });
  return email;
}

describe("Credentials authorize", () => {
  test("wrong passwords each sent with a ~3 KB random X-Forwarded-For still lock the account (the reported attack)", async () => {
    const email = await accountWith("the right password");
    const spoofed = () => new Headers({ "x-forwarded-for": randomBytes(1500).toString("hex") });
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT + 2; i++) {
      const guess = await authorizeWithPassword(scope, { email, password: `guess number ${i}` }, spoofed());
      expect(guess.ok).toBe(false);
    }
    expect(await authorizeWithPassword(scope, { email, password: "the right password" }, spoofed())).toMatchObject({
      ok: false,
      reason: "throttled",
    });
  });

  test("when the throttle cannot record the attempt, even the right password is refused, and the log names no one", async () => {
    const email = await accountWith("the right password");
    const failing = new Proxy(testDb, {
      get: (target, property, receiver) =>
        property === "transaction"
          ? () => Promise.reject(new Error(`insert failed for ${email} from 203.0.113.5`))
          : (Reflect.get(target, property, receiver) as unknown),
    }) as Database;
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const result = await authorizeWithPassword(
      { ...scope, db: failing },
      { email, password: "the right password" },
      new Headers({ "x-forwarded-for": "203.0.113.5" }),
    );
    expect(result).toEqual({ ok: false, reason: "unavailable" });
    const line = logged.mock.calls.map((call) => call.join(" ")).join("\n");
    logged.mockRestore();
    expect(line).toContain("sign-in refused, throttle unavailable");
    expect(line).not.toContain(email);
    expect(line).not.toContain("203.0.113.5");
  });

  test("over-long credentials are refused without a lookup", async () => {
    const result = await authorizeWithPassword(
      scope,
      { email: `${"a".repeat(300)}@example.test`, password: "whatever password" },
      new Headers(),
    );
    expect(result).toEqual({ ok: false, reason: "invalid" });
  });
});
