import { isLosslessNumber, parse as parseLosslessJson } from "lossless-json";
import { parseArgs } from "node:util";
import { INDICATOR_TYPES, isIndicatorType } from "./indicator-types";
import { JsonRecordSplitter, JsonShapeError, JsonSyntaxError } from "./json-record-splitter";
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

function parseRecord(text: string): unknown {
  try {
    return parseLosslessJson(text, reviveIds);
  } catch (error) {
    throw new UsageError(`input is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function recordId(record: unknown): string {
  if (typeof record === "object" && record !== null && "id" in record && typeof record.id === "string")
    return record.id;
  return "";
}

const indentObject = (value: unknown) => `    ${JSON.stringify(value, null, 2).replaceAll("\n", "\n    ")}`;

/**
 * Maps records as they arrive and returns the output text they produce, laid out exactly as
 * `JSON.stringify(batch, null, 2)` would lay out the whole batch: the STIX objects stream out one by one, and only
 * the (small) per-record errors are held until the end, where the batch lists them. Nothing is written before the
 * first object, so input that is unreadable from the start still yields no output at all.
 */
export class StixMapStream {
  private readonly splitter = new JsonRecordSplitter(
    (text) => this.mapRecord(parseRecord(text)),
    (text) => void parseRecord(text),
  );
  private readonly errors: MappedBatch["errors"] = [];
  private output = "";
  private objectCount = 0;
  private recordIndex = 0;

  constructor(private readonly settings: MappingSettings) {}

  push(chunk: string): string {
    this.translate(() => this.splitter.push(chunk));
    return this.takeOutput();
  }

  end(): string {
    this.translate(() => this.splitter.end());
    if (this.objectCount === 0) this.output += `${this.header()}]`;
    else this.output += "\n  ]";
    const errors = this.errors.length === 0 ? "[]" : `[\n${this.errors.map(indentObject).join(",\n")}\n  ]`;
    this.output += `,\n  "errors": ${errors}\n}\n`;
    return this.takeOutput();
  }

  private translate(work: () => void) {
    try {
      work();
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new UsageError(`input is not valid JSON: ${error.message}`);
      if (error instanceof JsonShapeError) {
        throw new UsageError('input must be a JSON array of indicators or an object with a "data" array');
      }
      throw error;
    }
  }

  private header() {
    return `{\n  "sourcesystem": ${JSON.stringify(sourceSystemFor(this.settings.sourceName))},\n  "stixobjects": [`;
  }

  private mapRecord(record: unknown) {
    const index = this.recordIndex;
    this.recordIndex += 1;
    const parsed = mappableIndicatorSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "record";
      this.errors.push({
        index,
        id: recordId(record),
        message: `${field}: ${issue?.message ?? "is not an indicator"}`,
      });
      return;
    }
    const result = mapIndicator(parsed.data, this.settings);
    if (!result.ok) {
      this.errors.push({ index, id: parsed.data.id, message: `${result.error.field}: ${result.error.message}` });
      return;
    }
    this.output += `${this.objectCount === 0 ? `${this.header()}\n` : ",\n"}${indentObject(result.object)}`;
    this.objectCount += 1;
  }

  private takeOutput() {
    const taken = this.output;
    this.output = "";
    return taken;
  }
}

const usageOutcome = (error: UsageError): CliOutcome => ({
  exitCode: 2,
  stdout: "",
  stderr: `stix:map: ${error.message.replace(/\s*\n\s*/g, " ")}\n`,
});

/** The stix:map command without process I/O, so its contract is testable in-process. */
export function runStixMapCli(argv: readonly string[], input: string, currentTime: Date): CliOutcome {
  try {
    const stream = new StixMapStream(parseSettings(argv, currentTime));
    return { exitCode: 0, stdout: stream.push(input) + stream.end(), stderr: "" };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageOutcome(error);
  }
}

/**
 * The command over streams: input is read chunk by chunk and output written as it is produced, so memory stays
 * flat however many indicators come in. Input found unreadable after objects were written ends the output there,
 * with exit 2 and the reason on stderr.
 */
export async function streamStixMapCli(
  argv: readonly string[],
  input: AsyncIterable<string>,
  write: (text: string) => Promise<void>,
  currentTime: Date,
): Promise<Omit<CliOutcome, "stdout">> {
  try {
    const stream = new StixMapStream(parseSettings(argv, currentTime));
    for await (const chunk of input) {
      const produced = stream.push(chunk);
      if (produced) await write(produced);
    }
    await write(stream.end());
    return { exitCode: 0, stderr: "" };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const { exitCode, stderr } = usageOutcome(error);
    return { exitCode, stderr };
  }
}
