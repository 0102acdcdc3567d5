import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { expect, it } from "vitest";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import { requestJob } from "@/server/jobs";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import { createServiceInput } from "@/server/services/service-input";
import { replaceQueries } from "@/server/services/queries";
import type { QueryDefinition } from "@/server/services/query-input";
import { createService } from "@/server/services/services";
import { downloadQueryPage, prepareJob, startJob } from "@/server/sync";
import { makeOrg, testDb, testDeps } from "@/test/db";
import { freePort } from "@/test/pipeline/engine-process";

/**
 * bench:prepare: the download and prepare verbs called directly (no engine in the way) at a tenth, half and all of
 * --indicators, each against its own emulator dataset: download into staging, then dedupe + map + diff into batches.
 * The ThreatConnect emulator runs in a child process, so the memory figures are this process's: the app's verbs
 * (plus vitest's own baseline, reported separately).
 */
const settings = process.env;
const LARGEST = Number(settings.BENCH_INDICATORS ?? 1_000_000);
const RESULT_FILE = settings.BENCH_RESULT_FILE;
const SIZES = [...new Set([Math.round(LARGEST / 10), Math.round(LARGEST / 2), LARGEST])];
const MB = 2 ** 20;

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

/** `npm run emulate:threatconnect` in its own process; node runs tsx's loader directly so kill reaches it. */
async function startEmulatorProcess(indicators: number) {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "local/threatconnect/cli.ts",
      "--port",
      String(port),
      "--indicators",
      String(indicators),
    ].concat(["--seed", "15"]),
    // A heap cap given to the measured process in NODE_OPTIONS is not the emulator's: it holds the whole dataset.
    { stdio: ["ignore", "pipe", "inherit"], env: { ...settings, NODE_OPTIONS: "" } },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("control API")) resolve();
    });
  });
  const line = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(output)?.[1] ?? "";
  return {
    baseUrl: line("base URL"),
    accessId: line("access id"),
    secretKey: line("secret key"),
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

/**
 * Peak RSS of this process while `work` runs (sampled every 50 ms), and its peak live heap: the heap in use just
 * after each full (mark-sweep) collection, which leaves out garbage V8 has not collected yet. RSS keeps what the
 * heap grew to earlier (the download), so the live heap is the better measure of what prepare itself holds.
 */
async function peakDuring<T>(work: () => Promise<T>) {
  const before = process.memoryUsage();
  let atPeak = before;
  let liveHeap: number | null = null;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > atPeak.rss) atPeak = now;
  }, 50);
  const collections = new PerformanceObserver((list) => {
    const full = list.getEntries().some((entry) => {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      return detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
    });
    if (full) liveHeap = Math.max(liveHeap ?? 0, process.memoryUsage().heapUsed);
  });
  collections.observe({ entryTypes: ["gc"] });
  try {
    const result = await work();
    return {
      result,
      peakRssMb: Math.round(atPeak.rss / MB),
      // Where the peak's RSS was: V8's heap as reserved (used or not) and memory outside it (Buffers).
      atPeakRssMb: { heapTotal: Math.round(atPeak.heapTotal / MB), external: Math.round(atPeak.external / MB) },
      peakLiveHeapMb: liveHeap === null ? null : Math.round(liveHeap / MB),
    };
  } finally {
    clearInterval(sampler);
    collections.disconnect();
  }
}

async function measure(indicators: number) {
  const emulator = await startEmulatorProcess(indicators);
  try {
    const deps = {
      ...testDeps({ outbound: createOutboundPolicy({ allowlist: new URL(emulator.baseUrl).host }) }),
      // Nothing is sent to an engine: this bench calls the verbs itself.
      events: { send: () => Promise.resolve() },
    };
    const { org } = await makeOrg();
    const scope = { db: testDb, deps, orgId: org.id, actorUserId: null };
    const service = await createService(
      scope,
      createServiceInput.parse({
        name: "Prepare bench",
        sourceName: "Prepare-bench",
        tenantId: "00000000-0000-0000-0000-000000000001",
        clientId: "00000000-0000-0000-0000-000000000002",
        workspaceId: "00000000-0000-0000-0000-000000000003",
        clientSecret: "unused",
        threatConnectBaseUrl: emulator.baseUrl,
        threatConnectAccessId: emulator.accessId,
        threatConnectSecretKey: emulator.secretKey,
      }),
    );
    await replaceQueries(scope, { serviceId: service.id, queriesVersion: 0, runMode: "full", queries: QUERIES });
    const { jobId } = await requestJob(scope, { serviceId: service.id, mode: "full", trigger: "manual" });
    const started = await startJob(scope, { jobId });
    if (started.status !== "started") throw new Error(`job did not start: ${started.status}`);

    const baselineRssMb = Math.round(process.memoryUsage().rss / MB);
    const downloadStart = performance.now();
    const download = await peakDuring(async () => {
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
      return fetched;
    });
    const downloadMs = performance.now() - downloadStart;
    const fetched = download.result;

    const cpuBefore = process.cpuUsage();
    const prepareStart = performance.now();
    const prepare = await peakDuring(() => prepareJob(scope, { jobId }));
    const prepareMs = performance.now() - prepareStart;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const prepared = prepare.result;
    return {
      indicators,
      fetched,
      toSend: prepared.toSend,
      duplicates: prepared.duplicates,
      mappingErrors: prepared.mappingErrors,
      batches: prepared.batches,
      downloadSeconds: Math.round(downloadMs / 100) / 10,
      prepareSeconds: Math.round(prepareMs / 100) / 10,
      prepareCpuSecondsInApp: Math.round(cpuSeconds * 10) / 10,
      indicatorsPerSecond: Math.round(fetched / (prepareMs / 1000)),
      indicatorsPerAppCpuSecond: Math.round(fetched / cpuSeconds),
      downloadPlusPreparePerSecond: Math.round(fetched / ((downloadMs + prepareMs) / 1000)),
      baselineRssMb,
      downloadPeakRssMb: download.peakRssMb,
      downloadPeakLiveHeapMb: download.peakLiveHeapMb,
      downloadAtPeakRssMb: download.atPeakRssMb,
      preparePeakRssMb: prepare.peakRssMb,
      preparePeakLiveHeapMb: prepare.peakLiveHeapMb,
      prepareAtPeakRssMb: prepare.atPeakRssMb,
    };
  } finally {
    await emulator.close();
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
    indicatorsPerAppCpuSecond: largest?.indicatorsPerAppCpuSecond,
    peakRssMb: Object.fromEntries(
      runs.map((run) => [run.indicators, Math.max(run.downloadPeakRssMb, run.preparePeakRssMb)]),
    ),
    // null: no full collection ran during that prepare.
    preparePeakLiveHeapMb: Object.fromEntries(runs.map((run) => [run.indicators, run.preparePeakLiveHeapMb])),
    peakRssNote:
      "the bench process (download and prepare verbs + vitest), sizes run one after another in it; the ThreatConnect emulator runs in a child process and is not included",
    runs,
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  expect(runs.every((run) => run.fetched > 0)).toBe(true);
});
