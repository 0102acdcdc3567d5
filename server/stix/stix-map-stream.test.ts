import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isLosslessNumber, parse as parseLosslessJson } from "lossless-json";
import { describe, expect, it } from "vitest";
import { DEFAULT_TTL_HOURS, mapIndicator, sourceSystemFor, type MappedBatch } from "./map-indicator";
import { mappableIndicatorSchema } from "./mappable-indicator";
import { runStixMapCli, streamStixMapCli } from "./stix-map-cli";

const NOW = "2024-01-01T00:00:00Z";
const ARGS = ["--source-name", "Stream", "--now", NOW, "--ttl-hours", "Host=12"];
const NINE_TYPES = readFileSync(fileURLToPath(new URL("./testdata/nine-types.json", import.meta.url)), "utf8");
const nineRecords = (JSON.parse(NINE_TYPES) as { data: Record<string, unknown>[] }).data;

/**
 * What stix:map printed before it streamed: the whole input parsed at once, every object held, then one
 * JSON.stringify of the batch. The streaming command must print exactly this, byte for byte.
 */
function wholeDocumentOutput(input: string): string {
  const reviveIds = (key: string, value: unknown) =>
    !isLosslessNumber(value) ? value : key === "id" || key.endsWith("Id") ? value.toString() : Number(value.toString());
  const document = parseLosslessJson(input, reviveIds) as unknown[] | { data: unknown[] };
  const records = Array.isArray(document) ? document : document.data;
  const settings = { sourceName: "Stream", now: new Date(NOW), ttlHours: { ...DEFAULT_TTL_HOURS, Host: 12 } };
  const batch: MappedBatch = { sourcesystem: sourceSystemFor("Stream"), stixobjects: [], errors: [] };
  records.forEach((record, index) => {
    const parsed = mappableIndicatorSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "record";
      const id =
        typeof record === "object" && record && "id" in record && typeof record.id === "string" ? record.id : "";
      batch.errors.push({ index, id, message: `${field}: ${issue?.message ?? "is not an indicator"}` });
      return;
    }
    const result = mapIndicator(parsed.data, settings);
    if (result.ok) batch.stixobjects.push(result.object);
    else batch.errors.push({ index, id: parsed.data.id, message: `${result.error.field}: ${result.error.message}` });
  });
  return `${JSON.stringify(batch, null, 2)}\n`;
}

/** Many records with escapes, unicode, brackets inside strings, big ids, bad records and non-objects mixed in. */
function awkwardDocument(count: number, wrapped: boolean): string {
  const records: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const base = nineRecords[index % nineRecords.length] ?? {};
    const record = {
      ...base,
      id: 9_007_199_254_900_000 + index,
      summary: typeof base.summary === "string" ? base.summary : "x",
      description: `line "${index}" ]}, \\ tab\t ünïcödé 🛰️ {[`,
    };
    records.push(JSON.stringify(record).replace(`"id":${record.id}`, `"id": ${BigInt(record.id) + 3n}`));
    if (index % 17 === 0) records.push(index % 2 ? "42" : '"a string, not an indicator ]"');
  }
  const array = `[\n  ${records.join(" ,\r\n\t")}\n]`;
  return wrapped ? `{"status": "Success", "meta": {"a": [1, {"b": "}"}]}, "data": ${array}, "count": ${count}}` : array;
}

async function* toAsync(chunks: Iterable<string>) {
  for (const chunk of chunks) yield await Promise.resolve(chunk);
}

async function streamed(input: string, chunkSizes: number[]): Promise<{ stdout: string; exitCode: number }> {
  function* chunks() {
    let offset = 0;
    for (let turn = 0; offset < input.length; turn += 1) {
      const size = chunkSizes[turn % chunkSizes.length] ?? 1;
      yield input.slice(offset, offset + size);
      offset += size;
    }
  }
  let stdout = "";
  const outcome = await streamStixMapCli(
    ARGS,
    toAsync(chunks()),
    (text) => Promise.resolve(void (stdout += text)),
    new Date(NOW),
  );
  return { stdout, exitCode: outcome.exitCode };
}

describe("stix:map streams and prints exactly what the whole-document mapping printed", () => {
  it.each([
    ["the nine-type fixture", NINE_TYPES],
    ["a bare array", awkwardDocument(60, false)],
    ["an object with data among other members", awkwardDocument(60, true)],
    ["an empty data array", '{"data": []}'],
    ["only unmappable records", '[1, "two", null]'],
  ])("%s, fed in chunks of any size", async (_label, input) => {
    const expected = wholeDocumentOutput(input);
    expect(runStixMapCli(ARGS, input, new Date(NOW)).stdout).toBe(expected);
    for (const sizes of [[1], [7, 3, 1024], [65_536]]) {
      expect(await streamed(input, sizes)).toEqual({ stdout: expected, exitCode: 0 });
    }
  });

  it.each([
    ["a record cut off", '[{"id": 1}, {"id": '],
    ["a comma with nothing before it", "[,{}]"],
    ["a trailing comma", "[{}, ]"],
    ["mismatched brackets", '[{"id": 1}}'],
    ["text after the document", "[] []"],
    ["a bad member of the wrapper", '{"status": tru, "data": []}'],
    ["a wrapper with a trailing comma", '{"data": [],}'],
  ])("refuses %s as invalid JSON", async (_label, input) => {
    const outcome = runStixMapCli(ARGS, input, new Date(NOW));
    expect(outcome).toMatchObject({ exitCode: 2, stdout: "" });
    expect(outcome.stderr).toMatch(/^stix:map: input is not valid JSON/);
    expect((await streamed(input, [2])).exitCode).toBe(2);
  });

  it.each([
    ["data that is not an array", '{"data": {"id": 1}}'],
    ["an object without data", '{"status": "Success"}'],
    ["a scalar", '"indicators"'],
  ])("refuses %s as the wrong shape", (_label, input) => {
    expect(runStixMapCli(ARGS, input, new Date(NOW)).stderr).toContain(
      'input must be a JSON array of indicators or an object with a "data" array',
    );
  });

  it("the command reads stdin and writes stdout as streams", async () => {
    const input = awkwardDocument(40, true);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./cli.ts", import.meta.url)), ...ARGS],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    for (let offset = 0; offset < input.length; offset += 4096) child.stdin.write(input.slice(offset, offset + 4096));
    child.stdin.end();
    const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(exitCode).toBe(0);
    expect(stdout).toBe(wholeDocumentOutput(input));
  });
});
