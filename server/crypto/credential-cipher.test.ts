import { describe, expect, test } from "vitest";
import { createCredentialCipher, CredentialCipherError, parseKeyring } from "./credential-cipher";

const keyA = `a:${Buffer.alloc(32, 1).toString("base64")}`;
const keyB = `b:${Buffer.alloc(32, 2).toString("base64")}`;
const slot = { rowId: "11111111-1111-4111-8111-111111111111", field: "clientSecret" };
const SECRET = "s3cr3t-value-that-must-not-leak";

describe("credential cipher", () => {
  test("round-trips under the active key, with a fresh IV each time", () => {
    const cipher = createCredentialCipher(parseKeyring(`${keyA},${keyB}`));
    const first = cipher.encrypt(SECRET, slot);
    const second = cipher.encrypt(SECRET, slot);
    expect(first).toMatch(/^v1\.a\.[\w-]+\.[\w-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain(SECRET);
    expect(cipher.decrypt(first, slot)).toBe(SECRET);
    expect(cipher.keyIdOf(first)).toBe("a");
  });

  test("an older key still decrypts after a new key becomes active", () => {
    const envelope = createCredentialCipher(parseKeyring(keyA)).encrypt(SECRET, slot);
    const rotated = createCredentialCipher(parseKeyring(`${keyB},${keyA}`));
    expect(rotated.activeKeyId).toBe("b");
    expect(rotated.decrypt(envelope, slot)).toBe(SECRET);
  });

  test("a ciphertext moved to another row or field fails authentication", () => {
    const cipher = createCredentialCipher(parseKeyring(keyA));
    const envelope = cipher.encrypt(SECRET, slot);
    expect(() => cipher.decrypt(envelope, { ...slot, rowId: "22222222-2222-4222-8222-222222222222" })).toThrow(
      /altered or belongs to another row/,
    );
    expect(() => cipher.decrypt(envelope, { ...slot, field: "threatConnectSecretKey" })).toThrow(CredentialCipherError);
  });

  test("a tampered ciphertext fails without echoing anything secret", () => {
    const cipher = createCredentialCipher(parseKeyring(keyA));
    const [version, keyId, iv, sealed = ""] = cipher.encrypt(SECRET, slot).split(".");
    const flipped = Buffer.from(sealed, "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    const error = (() => {
      try {
        cipher.decrypt([version, keyId, iv, flipped.toString("base64url")].join("."), slot);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(CredentialCipherError);
    expect(error?.message).not.toContain(SECRET);
    expect(error?.message).not.toContain(sealed);
  });

  test("an unknown key id is named in the error", () => {
    const envelope = createCredentialCipher(parseKeyring(keyB)).encrypt(SECRET, slot);
    expect(() => createCredentialCipher(parseKeyring(keyA)).decrypt(envelope, slot)).toThrow(
      'Stored clientSecret is encrypted under key id "b", which is not in CREDENTIALS_ENCRYPTION_KEYS',
    );
  });

  test("malformed envelopes are refused", () => {
    const cipher = createCredentialCipher(parseKeyring(keyA));
    expect(() => cipher.decrypt("plaintext", slot)).toThrow(/not a v1 credential envelope/);
    expect(() => cipher.decrypt("v1.a.AAAA.AAAA", slot)).toThrow(/truncated/);
  });

  test.each([
    ["", /no keys given/],
    ["nokey", /key id must be/],
    ["bad id!:AAAA", /key id must be/],
    [`short:${Buffer.alloc(16).toString("base64")}`, /exactly 32 bytes \(got 16\)/],
    [`${keyA},${keyA}`, /"a": listed twice/],
  ])("keyring %j is rejected", (spec, message) => {
    expect(() => parseKeyring(spec)).toThrow(message);
  });
});
