import { generateDataset } from "../local/threatconnect/dataset";
import { startThreatConnectEmulator } from "../local/threatconnect/index";
import { createThreatConnectClient } from "../server/threatconnect/index";

/** Measures what the issue asks about: dataset generation at 50k and 1M, and serving/consuming 10k pages. */
function time<T>(label: string, run: () => T): T {
  const startedAt = performance.now();
  const result = run();
  console.log(`${label}: ${Math.round(performance.now() - startedAt)} ms`);
  return result;
}

const anchor = Math.floor(Date.now() / 1000);
time("generate 50,000 indicators", () => generateDataset(50_000, 1, anchor));
const sizeArgument = process.argv[2];
const largeCount = sizeArgument ? Number(sizeArgument) : 1_000_000;
time(`generate ${largeCount.toLocaleString("en-US")} indicators`, () =>
  generateDataset(largeCount, 1, anchor),
);

const emulator = await startThreatConnectEmulator({
  indicators: 50_000,
  seed: 1,
});
const client = createThreatConnectClient({
  credentials: {
    baseUrl: emulator.baseUrl,
    accessId: emulator.accessId,
    secretKey: emulator.secretKey,
  },
});
for (const fields of [
  [],
  ["tags", "attributes", "associatedGroups", "threatAssess"],
] as const) {
  let pages = 0;
  let indicators = 0;
  const slowest: number[] = [];
  const startedAt = performance.now();
  let pageStartedAt = startedAt;
  for await (const page of client.indicatorPages(
    { sortField: "lastModified", fields: [...fields] },
    { pageSize: 10_000 },
  )) {
    pages++;
    indicators += page.indicators.length;
    slowest.push(performance.now() - pageStartedAt);
    pageStartedAt = performance.now();
  }
  const total = performance.now() - startedAt;
  console.log(
    `page through ${indicators} indicators in ${pages} pages of 10,000 (fields: ${fields.join(",") || "none"}): ` +
      `${Math.round(total)} ms total, ${Math.round(total / pages)} ms/page, slowest ${Math.round(Math.max(...slowest))} ms (includes client parse)`,
  );
}
await emulator.close();
