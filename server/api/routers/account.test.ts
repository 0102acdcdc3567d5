import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { users } from "@/db/schema";
import { callerFor, errorOf, systemScopeAt, testDb } from "@/test/db";
import { signInWithPassword } from "@/server/auth/credentials";

const unique = () => `${crypto.randomUUID()}@example.test`;

describe("password accounts", () => {
  test("sign-up stores a scrypt hash, lowercases the email, and refuses duplicates on the email field", async () => {
    const email = unique();
    const api = callerFor(null);
    await api.account.signUp({ name: "Ada", email: email.toUpperCase(), password: "correct horse battery" });
    const [user] = await testDb.select().from(users).where(eq(users.email, email));
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    expect(user?.passwordHash).not.toContain("correct horse");
    const error = await errorOf(api.account.signUp({ name: "Ada", email, password: "correct horse battery" }));
    expect(error).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already exists/) });
    expect(error.fieldErrors.email).toEqual([expect.stringMatching(/already exists/)]);
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
    expect(
      await signInWithPassword(systemScopeAt(testDb, new Date()), { email, password: "a good long password", ip }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await signInWithPassword(systemScopeAt(testDb, new Date()), { email, password: "wrong password!", ip }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(
      await signInWithPassword(systemScopeAt(testDb, new Date()), { email: unique(), password: "whatever123", ip }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
  });
});
