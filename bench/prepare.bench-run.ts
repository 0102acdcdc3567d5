import { writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import { requestJob } from "@/server/jobs";
import type { QueryDefinition } from "@/server/services/query-input";
import { downloadQueryPage, prepareJob, startJob } from "@/server/sync";
import { startPipelineHarness } from "@/test/pipeline/pipeline-harness";
import { createSyncService } from "@/test/pipeline/scenario";

/**
 * bench:prepare: the download and prepare verbs called directly (no engine in the way) at a tenth, half and all of
 * --indicators, each against its own emulator dataset: download into staging, then dedupe + map + diff into batches.
 */
const settings = process.env;
const LARGEST = Number(settings.BENCH_INDICATORS ?? 1_000_000);
const RESULT_FILE = settings.BENCH_RESULT_FILE;
const SIZES = [...new Set([Math.round(LARGEST / 10), Math.round(LARGEST / 2), LARGEST])];

/** Two overlapping queries, so dedupe has copies to drop. */
const QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization"],
    types: [...INDICATOR_TYPES],
    tql: "rating >= 3",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

async function measure(indicators: number) {
  const harness = await startPipelineHarness({ indicators, seed: 15, minuteMs: 60_000 });
  try {
    const service = await createSyncService(harness, QUERIES);
    // Nothing is sent to the engine: this bench calls the verbs itself.
    const scope = {
      ...harness.scopeFor(service.orgId),
      deps: { ...harness.deps, events: { send: () => Promise.resolve() } },
    };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    try {
      const { jobId } = await requestJob(scope, { serviceId: service.serviceId, mode: "full", trigger: "manual" });
      const started = await startJob(scope, { jobId });
      if (started.status !== "started") throw new Error(`job did not start: ${started.status}`);
      const downloadStart = performance.now();
      let fetched = 0;
      for (const { position } of started.queries) {
        let cursor: string | null = null;
        for (let page = 1; ; page += 1) {
          const result = await downloadQueryPage(scope, { jobId, position, page, cursor });
          fetched += result.fetched;
          cursor = result.next;
          if (!cursor) break;
        }
      }
      const downloadMs = performance.now() - downloadStart;
      const cpuBefore = process.cpuUsage();
      const prepareStart = performance.now();
      const prepared = await prepareJob(scope, { jobId });
      const prepareMs = performance.now() - prepareStart;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        indicators,
        fetched,
        toSend: prepared.toSend,
        duplicates: prepared.duplicates,
        batches: prepared.batches,
        downloadSeconds: Math.round(downloadMs / 100) / 10,
        prepareSeconds: Math.round(prepareMs / 100) / 10,
        prepareCpuSecondsInApp: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
        indicatorsPerSecond: Math.round(fetched / (prepareMs / 1000)),
        downloadPlusPreparePerSecond: Math.round(fetched / ((downloadMs + prepareMs) / 1000)),
        peakRssMb: Math.round(peakRss / 2 ** 20),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await harness.close();
  }
}

it(`download + prepare at ${SIZES.join(", ")} indicators`, async () => {
  const runs = [];
  for (const size of SIZES) runs.push(await measure(size));
  const largest = runs.at(-1);
  const figures = {
    bench: "prepare",
    indicators: LARGEST,
    indicatorsPerSecond: largest?.indicatorsPerSecond,
    peakRssMb: Object.fromEntries(runs.map((run) => [run.indicators, run.peakRssMb])),
    peakRssNote: "the emulator holding the dataset shares this process, so these include it",
    runs,
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  expect(runs.every((run) => run.fetched > 0)).toBe(true);
});
