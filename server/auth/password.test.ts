import { describe, expect, test } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  test("a hash verifies its own password only, and two hashes of one password differ by salt", async () => {
    const first = await hashPassword("correct horse battery staple");
    const second = await hashPassword("correct horse battery staple");
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$32768\$8\$3\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("correct horse battery staple", first)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", first)).toBe(false);
  });

  test("verifies hashes made with older parameters, since they travel inside the hash", async () => {
    const hash = await hashPassword("long enough password");
    const [, , , , salt, key] = hash.split("$");
    expect(await verifyPassword("long enough password", `scrypt$32768$8$3$${salt}$${key}`)).toBe(true);
    expect(await verifyPassword("long enough password", `scrypt$16384$8$3$${salt}$${key}`)).toBe(false);
  });

  test("malformed or foreign hashes never verify", async () => {
    for (const encoded of [
      "",
      "scrypt$1$2",
      "bcrypt$10$abc$def$ghi$jkl",
      "scrypt$x$8$1$salt$hash",
      "scrypt$3$8$1$salt$hash",
    ]) {
      expect(await verifyPassword("anything at all", encoded)).toBe(false);
    }
  });
});
