import { isLosslessNumber, parse as parseLosslessJson } from "lossless-json";
import { parseArgs } from "node:util";
import { INDICATOR_TYPES, isIndicatorType } from "./indicator-types";
import { mappableIndicatorSchema } from "./mappable-indicator";
import {
  DEFAULT_TTL_HOURS,
  mapIndicator,
  sourceSystemFor,
  type MappedBatch,
  type MappingSettings,
} from "./map-indicator";

export type CliOutcome = { exitCode: 0 | 2; stdout: string; stderr: string };

const USAGE = "usage: stix:map --source-name <name> [--now <ISO-8601>] [--ttl-hours <Type>=<hours> ...] < input.json";
const MAX_SOURCE_SYSTEM_LENGTH = 256;
const ISO_8601_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

class UsageError extends Error {}

function parseSettings(argv: readonly string[], currentTime: Date): MappingSettings {
  let values: { "source-name"?: string; now?: string; "ttl-hours"?: string[] };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "source-name": { type: "string" },
        now: { type: "string" },
        "ttl-hours": { type: "string", multiple: true },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (${USAGE})`);
  }
  const sourceName = values["source-name"]?.trim();
  if (!sourceName) throw new UsageError(`--source-name is required and must not be empty (${USAGE})`);
  if (sourceSystemFor(sourceName).length > MAX_SOURCE_SYSTEM_LENGTH) {
    throw new UsageError(
      `--source-name is too long: Sentinel's source system (ThreatConnect-<name>) must be at most ${MAX_SOURCE_SYSTEM_LENGTH} characters`,
    );
  }

  let now = currentTime;
  if (values.now !== undefined) {
    now = new Date(ISO_8601_TIMESTAMP.test(values.now) ? Date.parse(values.now) : Number.NaN);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now '${values.now}' is not an ISO-8601 timestamp`);
  }

  const ttlHours = { ...DEFAULT_TTL_HOURS };
  for (const entry of values["ttl-hours"] ?? []) {
    const separator = entry.lastIndexOf("=");
    const type = entry.slice(0, Math.max(separator, 0));
    const hoursText = entry.slice(separator + 1);
    if (separator < 0 || !isIndicatorType(type)) {
      throw new UsageError(
        `--ttl-hours '${entry}' must be <Type>=<hours> with Type one of ${INDICATOR_TYPES.join(", ")}`,
      );
    }
    const hours = Number(hoursText);
    if (!/^\d+(\.\d+)?$/.test(hoursText) || hours <= 0) {
      throw new UsageError(`--ttl-hours '${entry}': hours must be a positive number`);
    }
    ttlHours[type] = hours;
  }
  return { sourceName, ttlHours, now };
}

/** ThreatConnect ids exceed 2^53, so every `id`/`…Id` number becomes a string before any precision is lost. */
function reviveIds(key: string, value: unknown): unknown {
  if (!isLosslessNumber(value)) return value;
  return key === "id" || key.endsWith("Id") ? value.toString() : Number(value.toString());
}

function readRecords(input: string): unknown[] {
  let document: unknown;
  try {
    document = parseLosslessJson(input, reviveIds);
  } catch (error) {
    throw new UsageError(`input is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (Array.isArray(document)) return document;
  if (typeof document === "object" && document !== null && "data" in document && Array.isArray(document.data)) {
    return document.data as unknown[];
  }
  throw new UsageError('input must be a JSON array of indicators or an object with a "data" array');
}

function recordId(record: unknown): string {
  if (typeof record === "object" && record !== null && "id" in record && typeof record.id === "string")
    return record.id;
  return "";
}

/** The stix:map command without process I/O, so its contract is testable in-process. */
export function runStixMapCli(argv: readonly string[], input: string, currentTime: Date): CliOutcome {
  let settings: MappingSettings;
  let records: unknown[];
  try {
    settings = parseSettings(argv, currentTime);
    records = readRecords(input);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { exitCode: 2, stdout: "", stderr: `stix:map: ${error.message.replace(/\s*\n\s*/g, " ")}\n` };
  }

  const batch: MappedBatch = { sourcesystem: sourceSystemFor(settings.sourceName), stixobjects: [], errors: [] };
  records.forEach((record, index) => {
    const parsed = mappableIndicatorSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "record";
      batch.errors.push({
        index,
        id: recordId(record),
        message: `${field}: ${issue?.message ?? "is not an indicator"}`,
      });
      return;
    }
    const result = mapIndicator(parsed.data, settings);
    if (result.ok) batch.stixobjects.push(result.object);
    else batch.errors.push({ index, id: parsed.data.id, message: `${result.error.field}: ${result.error.message}` });
  });
  return { exitCode: 0, stdout: `${JSON.stringify(batch, null, 2)}\n`, stderr: "" };
}
