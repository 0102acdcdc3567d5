import { createHash } from "node:crypto";
import type { StixIndicator } from "./map-indicator";

/** Fields that say when a version was sent rather than what it says; they change on every send. */
const SEND_TIME_FIELDS = new Set(["modified", "valid_from", "valid_until"]);

/**
 * JSON with object keys sorted (by UTF-16 code units, as `<` compares them) and undefined properties left out.
 * Written as loops rather than entries/sort/map/join: it runs once per indicator per job, and the output must stay
 * byte-for-byte what every stored content hash was computed from.
 */
function canonicalJson(value: unknown, skipKeys?: ReadonlySet<string>): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ",";
      out += canonicalJson(value[index]) ?? "";
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const entry = record[key];
    if (entry === undefined || skipKeys?.has(key)) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${canonicalJson(entry)}`;
  }
  return `${out}}`;
}

/**
 * A SHA-256 of what a mapped object says, so the pipeline can tell "unchanged since last sent" without keeping the
 * object. It ignores `modified`, `valid_from` and `valid_until` (all derived from the time of sending) and the order
 * of properties; anything else, including the id (revocation generation) and `revoked`, changes it.
 */
export function stixContentHash(object: StixIndicator): string {
  return createHash("sha256")
    .update(canonicalJson(object, SEND_TIME_FIELDS) ?? "")
    .digest("hex");
}
