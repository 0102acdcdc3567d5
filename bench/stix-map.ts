import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startThreatConnectEmulator } from "@/local/threatconnect/index";
import { INDICATOR_FIELDS, signRequest } from "@/server/threatconnect/index";

/**
 * `npm run bench:stix-map -- --indicators 1000000`: pipes N ThreatConnect indicators (all fields, as the emulator
 * serves them) through the stix:map command and reports its wall time, CPU and peak RSS (from /usr/bin/time, so
 * the figure is the command's own, not this driver's). The emulator holds `--dataset` indicators; larger runs cycle
 * through its pages, which the mapper cannot tell apart from new indicators.
 */
const { values } = parseArgs({
  options: {
    indicators: { type: "string", default: "1000000" },
    dataset: { type: "string", default: "100000" },
  },
});
const total = Number(values.indicators);
const datasetSize = Math.min(Number(values.dataset), total);
const PAGE = 10_000;

const emulator = await startThreatConnectEmulator({ indicators: datasetSize, seed: 1 });
const fields = INDICATOR_FIELDS.map((field) => `&fields=${field}`).join("");

async function pageRecords(start: number): Promise<string[]> {
  const target = `/api/v3/indicators?sorting=dateAdded%20ASC&resultStart=${start}&resultLimit=${PAGE}${fields}`;
  const headers = signRequest({
    accessId: emulator.accessId,
    secretKey: emulator.secretKey,
    method: "GET",
    requestTarget: target,
    timestamp: Date.now() / 1000,
  });
  const response = await fetch(`${emulator.baseUrl}${target}`, { headers });
  if (!response.ok) throw new Error(`emulator answered ${response.status}`);
  const { data } = (await response.json()) as { data: unknown[] };
  // Re-serialized one by one so pages can be spliced into one "data" array.
  return data.map((record) => JSON.stringify(record));
}

// The input is written to a file first, so the timed command never waits on the emulator.
const inputPath = join(tmpdir(), `stix-map-bench-${process.pid}.json`);
const input = createWriteStream(inputPath);
async function write(text: string) {
  if (!input.write(text)) await once(input, "drain");
}

const pages = new Map<number, string[]>();
let inputBytes = 0;
let sent = 0;
let start = 0;
await write('{"status":"Success","data":[');
while (sent < total) {
  const records = pages.get(start) ?? (await pageRecords(start));
  pages.set(start, records);
  const count = Math.min(records.length, total - sent);
  if (count === 0 && start === 0) throw new Error("the emulator returned no indicators");
  if (count > 0) {
    const text = `${sent === 0 ? "" : ","}${records.slice(0, count).join(",")}`;
    inputBytes += Buffer.byteLength(text);
    await write(text);
    sent += count;
  }
  // The API user reads most of the dataset's owners; after its last page the cycle starts again.
  start = records.length < PAGE ? 0 : start + PAGE;
}
await write("]}");
input.end();
await once(input, "close");
await emulator.close();

const child = spawn(
  "/usr/bin/time",
  ["-f", "%M %e %U %S", process.execPath, "--import", "tsx", "server/stix/cli.ts", "--source-name", "Bench"],
  { stdio: [openSync(inputPath, "r"), "pipe", "pipe"] },
);
let outputBytes = 0;
child.stdout?.on("data", (chunk: Buffer) => (outputBytes += chunk.length));
let stderr = "";
child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
const [exitCode] = (await once(child, "close")) as [number];
rmSync(inputPath);

const timing = stderr.trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
const [maxRssKb = Number.NaN, wallSeconds = Number.NaN, userSeconds = 0, systemSeconds = 0] = timing;
if (exitCode !== 0) {
  console.error(stderr);
  process.exitCode = 1;
}
console.log(
  JSON.stringify({
    bench: "stix-map",
    indicators: total,
    datasetIndicators: datasetSize,
    inputMb: Math.round(inputBytes / 1e6),
    outputMb: Math.round(outputBytes / 1e6),
    wallSeconds,
    cpuSeconds: Math.round((userSeconds + systemSeconds) * 10) / 10,
    indicatorsPerSecond: Math.round(total / wallSeconds),
    peakRssMb: Math.round(maxRssKb / 1024),
    exitCode,
  }),
);
