import { generateDataset } from "@/local/threatconnect/dataset";
import { startThreatConnectEmulator } from "@/local/threatconnect/index";
import { createThreatConnectClient, INDICATOR_FIELDS, signRequest } from "@/server/threatconnect/index";

/** Sentinel accepts at most 100 requests of 100 objects per minute, so no sync can move more than this. */
const SENTINEL_CEILING_PER_MINUTE = 100 * 100;

function timesSentinelCeiling(indicators: number, milliseconds: number): string {
  const perMinute = (indicators / milliseconds) * 60_000;
  return `${(perMinute / SENTINEL_CEILING_PER_MINUTE).toFixed(0)}× Sentinel's upload ceiling`;
}

/**
 * Measures what issue 3 asks about: generating 50k and 1M indicators, the emulator answering 10,000-indicator
 * pages (raw HTTP, no client parsing), and the client paging through the same data.
 * Usage: npx tsx bench/threatconnect-emulator.ts [largeCount=1000000]
 */
function timed<T>(label: string, run: () => T): T {
  const startedAt = performance.now();
  const result = run();
  console.log(`${label}: ${Math.round(performance.now() - startedAt)} ms`);
  return result;
}

const anchor = Math.floor(Date.now() / 1000);
timed("generate 5,000 indicators", () => generateDataset(5_000, 1, anchor));
timed("generate 50,000 indicators", () => generateDataset(50_000, 1, anchor));
const largeCount = Number(process.argv[2] ?? 1_000_000);
timed(`generate ${largeCount.toLocaleString("en-US")} indicators`, () => generateDataset(largeCount, 1, anchor));

const emulator = await startThreatConnectEmulator({
  indicators: 50_000,
  seed: 1,
});
const allFields = INDICATOR_FIELDS.map((field) => `&fields=${field}`).join("");
for (const [label, fields] of [
  ["no fields", ""],
  ["all fields", allFields],
] as const) {
  const durations: number[] = [];
  let bytes = 0;
  for (let page = 0; page < 5; page++) {
    const target = `/api/v3/indicators?sorting=lastModified%20ASC&resultStart=${page * 10_000}&resultLimit=10000${fields}`;
    const headers = signRequest({
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
      method: "GET",
      requestTarget: target,
      timestamp: Date.now() / 1000,
    });
    const startedAt = performance.now();
    const text = await (await fetch(`${emulator.baseUrl}${target}`, { headers })).text();
    durations.push(performance.now() - startedAt);
    bytes += text.length;
  }
  const median = [...durations].sort((a, b) => a - b)[2] ?? 0;
  console.log(
    `emulator serves a 10,000-indicator page (${label}, ${(bytes / 5 / 1e6).toFixed(1)} MB): median ${Math.round(median)} ms, ` +
      `max ${Math.round(Math.max(...durations))} ms (first page includes filtering and sorting 50,000); ` +
      `at the max that is ${timesSentinelCeiling(10_000, Math.max(...durations))}`,
  );
}

const client = createThreatConnectClient({
  credentials: {
    baseUrl: emulator.baseUrl,
    accessId: emulator.accessId,
    secretKey: emulator.secretKey,
  },
});
for (const fields of [[], [...INDICATOR_FIELDS]]) {
  let indicators = 0;
  const startedAt = performance.now();
  for await (const page of client.indicatorPages({ sortField: "dateAdded", fields }, { pageSize: 10_000 })) {
    indicators += page.indicators.length;
  }
  const elapsed = performance.now() - startedAt;
  console.log(
    `client pages ${indicators} indicators in pages of 10,000 (${fields.length ? "all fields" : "no fields"}): ` +
      `${Math.round(elapsed)} ms including parse and validation = ${timesSentinelCeiling(indicators, elapsed)}`,
  );
}
// tcex's threshold: from 2,000 encoded characters the parameters travel as a JSON body signed over the path.
const excluded = Array.from({ length: 200 }, (_, index) => `"excluded-${index}.example"`).join(", ");
for (const [label, tql] of [
  ["short TQL in the query string", "rating >= 2"],
  [
    `${encodeURIComponent(`summary NOT IN (${excluded})`).length}-character TQL (a 200-value NOT IN, filtered by the emulator) as a JSON body`,
    `summary NOT IN (${excluded}) AND rating >= 2`,
  ],
] as const) {
  const startedAt = performance.now();
  const page = await client.indicatorPage({ tql }, { pageSize: 10_000 });
  console.log(
    `client reads a ${page.indicators.length}-indicator page, ${label}: ${Math.round(performance.now() - startedAt)} ms`,
  );
}
await emulator.close();
