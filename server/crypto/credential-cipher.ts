import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ENVELOPE_VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** A decryption or keyring failure; messages name key ids and fields, never secret material. */
export class CredentialCipherError extends Error {
  override readonly name = "CredentialCipherError";
}

export type CredentialKeyring = {
  /** New ciphertexts are written under this key; every key in `keys` can still decrypt. */
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
};

/** Which secret a ciphertext belongs to; bound as AAD so a ciphertext copied to another row or field fails. */
export type SecretSlot = { rowId: string; field: string };

export type CredentialCipher = {
  activeKeyId: string;
  encrypt(plaintext: string, slot: SecretSlot): string;
  decrypt(envelope: string, slot: SecretSlot): string;
  keyIdOf(envelope: string): string;
};

/** Parses `<keyId>:<base64 32-byte key>[,<keyId>:<key>…]`; the first entry is the active key. */
export function parseKeyring(spec: string): CredentialKeyring {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0)
    throw new CredentialCipherError(
      "CREDENTIALS_ENCRYPTION_KEYS: no keys given; expected <keyId>:<base64 32-byte key>",
    );
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(":");
    const keyId = separator === -1 ? "" : entry.slice(0, separator);
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new CredentialCipherError(
        `CREDENTIALS_ENCRYPTION_KEYS entry ${index + 1}: key id must be 1-32 letters, digits, "_" or "-", followed by ":"`,
      );
    }
    const key = Buffer.from(entry.slice(separator + 1), "base64");
    if (key.length !== KEY_BYTES) {
      throw new CredentialCipherError(
        `CREDENTIALS_ENCRYPTION_KEYS key "${keyId}": must decode from base64 to exactly ${KEY_BYTES} bytes (got ${key.length})`,
      );
    }
    if (keys.has(keyId)) throw new CredentialCipherError(`CREDENTIALS_ENCRYPTION_KEYS key "${keyId}": listed twice`);
    keys.set(keyId, key);
  }
  const [activeKeyId] = keys.keys();
  if (activeKeyId === undefined) throw new CredentialCipherError("CREDENTIALS_ENCRYPTION_KEYS: no keys given");
  return { activeKeyId, keys };
}

function additionalData(slot: SecretSlot): Buffer {
  return Buffer.from(`${ENVELOPE_VERSION}\u0000${slot.rowId}\u0000${slot.field}`, "utf8");
}

function parseEnvelope(envelope: string, slot: SecretSlot) {
  const parts = envelope.split(".");
  const [version, keyId, iv, sealed] = parts;
  if (parts.length !== 4 || version !== ENVELOPE_VERSION || !keyId || !iv || !sealed) {
    throw new CredentialCipherError(`Stored ${slot.field} is not a ${ENVELOPE_VERSION} credential envelope`);
  }
  return { keyId, iv: Buffer.from(iv, "base64url"), sealed: Buffer.from(sealed, "base64url") };
}

/** AES-256-GCM with a random 96-bit IV per secret; envelope is `v1.<keyId>.<iv>.<ciphertext+tag>` in base64url. */
export function createCredentialCipher(keyring: CredentialKeyring): CredentialCipher {
  const activeKey = keyring.keys.get(keyring.activeKeyId);
  if (!activeKey) throw new CredentialCipherError(`Active key "${keyring.activeKeyId}" is not in the keyring`);

  return {
    activeKeyId: keyring.activeKeyId,

    encrypt(plaintext, slot) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, activeKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(slot));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return [ENVELOPE_VERSION, keyring.activeKeyId, iv.toString("base64url"), sealed.toString("base64url")].join(".");
    },

    decrypt(envelope, slot) {
      const { keyId, iv, sealed } = parseEnvelope(envelope, slot);
      const key = keyring.keys.get(keyId);
      if (!key) {
        throw new CredentialCipherError(
          `Stored ${slot.field} is encrypted under key id "${keyId}", which is not in CREDENTIALS_ENCRYPTION_KEYS`,
        );
      }
      if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
        throw new CredentialCipherError(`Stored ${slot.field} is a truncated credential envelope`);
      }
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(slot));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new CredentialCipherError(
          `Stored ${slot.field} failed authentication under key "${keyId}": it was altered or belongs to another row or field`,
        );
      }
    },

    keyIdOf(envelope) {
      return parseEnvelope(envelope, { rowId: "", field: "credential" }).keyId;
    },
  };
}
