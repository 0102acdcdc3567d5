import { createHash } from "node:crypto";
import type { StixIndicator } from "./map-indicator";

/** Fields that say when a version was sent rather than what it says; they change on every send. */
const SEND_TIME_FIELDS = new Set(["modified", "valid_from", "valid_until"]);

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A SHA-256 of what a mapped object says, so the pipeline can tell "unchanged since last sent" without keeping the
 * object. It ignores `modified`, `valid_from` and `valid_until` (all derived from the time of sending) and the order
 * of properties; anything else, including the id (revocation generation) and `revoked`, changes it.
 */
export function stixContentHash(object: StixIndicator): string {
  const content = Object.fromEntries(Object.entries(object).filter(([key]) => !SEND_TIME_FIELDS.has(key)));
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}
