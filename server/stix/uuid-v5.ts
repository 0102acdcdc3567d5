import { createHash } from "node:crypto";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const utf8 = new TextEncoder();
/** Every indicator of every job hashes under one of a handful of namespaces; parse each once. */
const namespaceBytes = new Map<string, Buffer>();

/**
 * RFC 9562 §5.5 name-based UUID: SHA-1 of the namespace's bytes and the name's UTF-8, with the version and variant
 * bits set. The name is encoded with TextEncoder, which substitutes U+FFFD for a lone surrogate, so any
 * ThreatConnect text still gets its stable id.
 */
export function uuidV5(name: string, namespace: string): string {
  let prefix = namespaceBytes.get(namespace);
  if (!prefix) {
    if (!UUID_PATTERN.test(namespace)) throw new TypeError(`namespace '${namespace}' is not a UUID`);
    prefix = Buffer.from(namespace.replace(/-/g, ""), "hex");
    namespaceBytes.set(namespace, prefix);
  }
  const hash = createHash("sha1").update(prefix).update(utf8.encode(name)).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.toString("hex", 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
