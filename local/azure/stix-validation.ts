import { parseStixPattern } from "./stix-pattern";

export type UploadApi = "stix-objects" | "legacy-indicators";

export const STIX_API_TYPES = ["indicator", "attack-pattern", "threat-actor", "identity", "relationship"] as const;

const STIX_ID =
  /^([a-z][a-z0-9-]*[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const STIX_TIMESTAMP = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
const REQUIRED_BY_TYPE: Record<string, readonly string[]> = {
  indicator: ["pattern", "pattern_type", "valid_from"],
  "attack-pattern": ["name"],
  "threat-actor": ["name"],
  identity: ["name"],
  relationship: ["relationship_type", "source_ref", "target_ref"],
};

function describe(value: unknown): string {
  if (value === undefined || value === null) return "NULL";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function propertyError(property: string, problem: string, value: unknown): string {
  return `Error for Property=${property}: ${problem} Actual value: ${describe(value)}.`;
}

/**
 * Sentinel's per-record checks. Messages follow the documented shape
 * ("Error for Property=id: Required property is missing. Actual value: NULL.").
 */
export function validateStixObject(record: unknown, api: UploadApi): string[] {
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    return [propertyError("record", "Each record must be a JSON object.", record)];
  }
  const object = record as Record<string, unknown>;
  const errors: string[] = [];
  const type = object.type;
  const allowedTypes: readonly string[] = api === "legacy-indicators" ? ["indicator"] : STIX_API_TYPES;

  for (const property of ["type", "id", "created", "modified"]) {
    if (object[property] === undefined || object[property] === null) {
      errors.push(propertyError(property, "Required property is missing.", undefined));
    }
  }
  if (typeof type === "string" && !allowedTypes.includes(type)) {
    errors.push(propertyError("type", `Unsupported object type; expected one of ${allowedTypes.join(", ")}.`, type));
  }
  if (object.id !== undefined && object.id !== null) {
    const match = typeof object.id === "string" ? STIX_ID.exec(object.id) : null;
    if (!match) errors.push(propertyError("id", "Must be '<type>--<UUID>'.", object.id));
    else if (typeof type === "string" && match[1] !== type) {
      errors.push(propertyError("id", `The prefix must match the object type '${type}'.`, object.id));
    }
  }
  if (object.spec_version !== undefined && object.spec_version !== "2.0" && object.spec_version !== "2.1") {
    errors.push(propertyError("spec_version", "Must be '2.0' or '2.1'.", object.spec_version));
  }
  for (const property of ["created", "modified", "valid_from", "valid_until"]) {
    const value = object[property];
    if (value !== undefined && value !== null && (typeof value !== "string" || !STIX_TIMESTAMP.test(value))) {
      errors.push(
        propertyError(property, "Must be an RFC 3339 UTC timestamp such as 2024-01-01T00:00:00.000Z.", value),
      );
    }
  }
  if (
    object.confidence !== undefined &&
    !(Number.isInteger(object.confidence) && (object.confidence as number) >= 0 && (object.confidence as number) <= 100)
  ) {
    errors.push(propertyError("confidence", "Must be an integer between 0 and 100.", object.confidence));
  }
  if (object.revoked !== undefined && typeof object.revoked !== "boolean") {
    errors.push(propertyError("revoked", "Must be a boolean.", object.revoked));
  }
  if (typeof type === "string") {
    for (const property of REQUIRED_BY_TYPE[type] ?? []) {
      if (object[property] === undefined || object[property] === null || object[property] === "") {
        errors.push(propertyError(property, "Required property is missing.", undefined));
      }
    }
  }
  if (type === "indicator") errors.push(...validateIndicator(object));
  return errors;
}

function validateIndicator(indicator: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const { pattern, pattern_type: patternType, valid_from: validFrom, valid_until: validUntil } = indicator;
  if (patternType !== undefined && typeof patternType !== "string") {
    errors.push(propertyError("pattern_type", "Must be a string.", patternType));
  }
  if (pattern !== undefined && typeof pattern !== "string") {
    errors.push(propertyError("pattern", "Must be a string.", pattern));
  } else if (typeof pattern === "string" && patternType === "stix") {
    const parsed = parseStixPattern(pattern);
    if (!parsed.ok) errors.push(propertyError("pattern", `Invalid STIX pattern: ${parsed.error}.`, pattern));
  }
  if (typeof validFrom === "string" && typeof validUntil === "string") {
    const from = Date.parse(validFrom);
    const until = Date.parse(validUntil);
    if (!Number.isNaN(from) && !Number.isNaN(until) && until <= from) {
      errors.push(propertyError("valid_until", "Must be greater than valid_from.", validUntil));
    }
  }
  return errors;
}
