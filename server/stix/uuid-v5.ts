import { v5 } from "uuid";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const utf8 = new TextEncoder();

/**
 * RFC 9562 §5.5 name-based UUID. The name is encoded here rather than by `uuid`, whose string path throws on a
 * lone surrogate; TextEncoder substitutes U+FFFD, so any ThreatConnect text still gets its stable id.
 */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID_PATTERN.test(namespace)) throw new TypeError(`namespace '${namespace}' is not a UUID`);
  return v5(utf8.encode(name), namespace);
}
