import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MappedBatch } from "./map-indicator";
import { validateStixPattern } from "./pattern-grammar";
import { runStixMapCli } from "./stix-map-cli";

const CURRENT_TIME = new Date("2030-06-01T12:00:00Z");
const NINE_TYPES = readFileSync(fileURLToPath(new URL("./testdata/nine-types.json", import.meta.url)), "utf8");
const ARGS = ["--source-name", "Sentinel-Source-Name", "--now", "2024-01-01T00:00:00Z"];

function mapped(argv: readonly string[], input: string): MappedBatch {
  const outcome = runStixMapCli(argv, input, CURRENT_TIME);
  expect(outcome).toMatchObject({ exitCode: 0, stderr: "" });
  return JSON.parse(outcome.stdout) as MappedBatch;
}

function usageFailure(argv: readonly string[], input: string): string {
  const outcome = runStixMapCli(argv, input, CURRENT_TIME);
  expect(outcome.exitCode).toBe(2);
  expect(outcome.stdout).toBe("");
  expect(outcome.stderr).toMatch(/^stix:map: [^\n]+\n$/);
  return outcome.stderr;
}

describe("stix:map on a ThreatConnect response holding all nine types", () => {
  it("maps every type, keeps the big id exact and reports the bad record by index and id", () => {
    const batch = mapped(ARGS, NINE_TYPES);
    expect(batch.sourcesystem).toBe("ThreatConnect-Sentinel-Source-Name");
    expect(batch.stixobjects.map((object) => object.pattern)).toEqual([
      "[ipv4-addr:value = '123.45.67.89']",
      "[ipv6-addr:value = '2a03:b0c0:3:e0::341:6001']",
      "[ipv4-addr:value = '123.45.67.0/24']",
      "[domain-name:value = 'reallybadsite.com']",
      "[file:hashes.'SHA-256' = '523463041ef9ffa2950d8450feb34c88bc8692c40c9cf3c99dcdf75e270229e2']",
      "[url:value = 'https://asdfgoogle.com/asdf']",
      "[autonomous-system:name = 'ASN001']",
      "[email-addr:value = 'tester@testdomain.com']",
      "[email-message:subject = 'Test Email Subject']",
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Adobe' AND windows-registry-key:values[*].name = 'TEST_VALUE'" +
        " AND windows-registry-key:values[*].data_type = 'REG_BINARY']",
    ]);
    for (const object of batch.stixobjects) expect(validateStixPattern(object.pattern)).toEqual({ ok: true });
    expect(batch.stixobjects[0]?.external_references[0]?.external_id).toBe("9007199254918487");
    expect(JSON.parse(batch.stixobjects[0]?.description ?? "{}")).toMatchObject({
      webLink: expect.stringContaining("9007199254918487"),
    });
    expect(batch.errors).toEqual([
      { index: 10, id: "12355", message: "ip: '999.1.1.1' has an octet greater than 255" },
    ]);
  });

  it("accepts a bare array and defaults to the current time and 720 hours", () => {
    const records = (JSON.parse(NINE_TYPES) as { data: unknown[] }).data.slice(3, 4);
    const [host] = mapped(["--source-name", "S"], JSON.stringify(records)).stixobjects;
    expect(host?.valid_from).toBe("2030-06-01T12:00:00.000Z");
    expect(host?.valid_until).toBe("2030-07-01T12:00:00.000Z");
  });

  it("applies --ttl-hours per type, including spaced type names", () => {
    const batch = mapped([...ARGS, "--ttl-hours", "Email Subject=24", "--ttl-hours", "Host=1.5"], NINE_TYPES);
    const untilByPattern = new Map(
      batch.stixobjects.map((object) => [object.pattern.split(":")[0], object.valid_until]),
    );
    expect(untilByPattern.get("[email-message")).toBe("2024-01-02T00:00:00.000Z");
    expect(untilByPattern.get("[domain-name")).toBe("2024-01-01T01:30:00.000Z");
    expect(untilByPattern.get("[url")).toBe("2024-01-31T00:00:00.000Z");
  });

  it("turns records of the wrong shape into per-record errors and maps the rest", () => {
    const input = `[42, {"id": 7, "type": "Host", "ownerName": "O", "dateAdded": "2024-01-01T00:00:00Z", "tags": {"data": [{"name": 5}]}},
      {"id": 8, "type": "Host", "ownerName": "O", "dateAdded": "2024-01-01T00:00:00Z", "hostName": "ok.example"}]`;
    const batch = mapped(ARGS, input);
    expect(batch.errors).toEqual([
      { index: 0, id: "", message: "record: Invalid input: expected object, received number" },
      { index: 1, id: "7", message: "tags.data.0.name: Invalid input: expected string, received number" },
    ]);
    expect(batch.stixobjects).toHaveLength(1);
  });
});

describe("stix:map refuses unreadable input or arguments with exit 2 and one line on stderr", () => {
  it.each([
    ["no source name", [], "--source-name is required"],
    ["an empty source name", ["--source-name", " "], "--source-name is required"],
    ["a source name Sentinel would reject as too long", ["--source-name", "x".repeat(243)], "at most 256 characters"],
    ["an unknown option", [...ARGS, "--verbose"], "Unknown option '--verbose'"],
    ["a positional argument", [...ARGS, "input.json"], "Unexpected argument 'input.json'"],
    ["a bad --now", ["--source-name", "S", "--now", "tomorrow"], "--now 'tomorrow' is not an ISO-8601 timestamp"],
    ["a --ttl-hours without '='", [...ARGS, "--ttl-hours", "Host"], "must be <Type>=<hours>"],
    [
      "a --ttl-hours with an unknown type",
      [...ARGS, "--ttl-hours", "Mutex=5"],
      "must be <Type>=<hours> with Type one of Address",
    ],
    ["a --ttl-hours of zero", [...ARGS, "--ttl-hours", "Host=0"], "hours must be a positive number"],
    ["a --ttl-hours that is not a number", [...ARGS, "--ttl-hours", "Host=1e3"], "hours must be a positive number"],
  ])("%s", (_label, argv, message) => {
    expect(usageFailure(argv, "[]")).toContain(message);
  });

  it.each([
    ["empty input", "", "input is not valid JSON"],
    ["truncated JSON", '{"data": [', "input is not valid JSON"],
    [
      "an object without data",
      '{"status": "Success"}',
      'input must be a JSON array of indicators or an object with a "data" array',
    ],
    ["a scalar", "42", "input must be a JSON array"],
  ])("%s", (_label, input, message) => {
    expect(usageFailure(ARGS, input)).toContain(message);
  });

  it("a source name exactly at Sentinel's limit is accepted", () => {
    expect(mapped(["--source-name", "x".repeat(242)], "[]").sourcesystem).toHaveLength(256);
  });
});

describe("the stix:map npm script", () => {
  const run = (args: string[], input: string) =>
    spawnSync("npm", ["run", "--silent", "stix:map", "--", ...args], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      input,
      encoding: "utf8",
    });

  it("prints the batch and exits 0 for readable input", () => {
    const child = run(ARGS, NINE_TYPES);
    expect(child.status).toBe(0);
    const batch = JSON.parse(child.stdout) as MappedBatch;
    expect(batch.stixobjects).toHaveLength(10);
    expect(batch.errors).toHaveLength(1);
  });

  it("exits 2 with one line on stderr for unreadable input", () => {
    const child = run(ARGS, "not json");
    expect(child.status).toBe(2);
    expect(child.stdout).toBe("");
    expect(child.stderr).toMatch(/^stix:map: input is not valid JSON[^\n]*\n$/);
  });
});
