import { writeFileSync } from "node:fs";
import { inArray } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { tasks } from "@/db/schema";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { QueryDefinition } from "@/server/services/query-input";
import { testDb } from "@/test/db";
import { processCpuSeconds, processPeakRssMb } from "./process-stats";
import { startAppProcessHarness, type AppProcessHarness } from "@/test/pipeline/app-process-harness";
import {
  createSyncService,
  expectedStixIds,
  runJob,
  storedObjects,
  uploadRequests,
  waitForJobEnd,
} from "@/test/pipeline/scenario";

/**
 * bench:sync: one full update through the real SDK, the local engine and both emulators, with Sentinel's
 * 100-requests-per-minute limit on a scaled minute. Judged by the Sentinel emulator's store.
 */
// Benchmark settings come from bench/run.ts, which turns --flags into BENCH_* variables.
const settings = process.env;
const INDICATORS = Number(settings.BENCH_INDICATORS ?? 200_000);
const MINUTE_MS = Number(settings.BENCH_MINUTE_MS ?? 6000);
const RESULT_FILE = settings.BENCH_RESULT_FILE;

const QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

let harness: AppProcessHarness | undefined;
afterAll(async () => {
  await harness?.close();
});

const perThousand = (cpuSeconds: number) => Math.round((cpuSeconds / INDICATORS) * 1000 * 1000) / 1000;

const percentile = (values: number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
};

it(`full update of ${INDICATORS} indicators at a ${MINUTE_MS} ms minute`, async () => {
  // The app (its Inngest endpoint as the portal serves it, with the server's database pool) and the engine (as `npm
  // run engine` runs it) each in a process of their own, so their CPU and memory are measured apart from the
  // emulators and the ThreatConnect dataset, which stay in this process.
  harness = await startAppProcessHarness({ indicators: INDICATORS, seed: 15, minuteMs: MINUTE_MS, engine: "process" });
  const appPid = harness.appProcessId();
  const enginePid = harness.engineProcessId();
  if (appPid === undefined || enginePid === undefined)
    throw new Error("the app and the engine did not start as processes");
  const service = await createSyncService(harness, QUERIES);
  const expected = await expectedStixIds(harness, QUERIES);

  const emulatorsCpuBefore = process.cpuUsage();
  const appCpuBefore = processCpuSeconds(appPid);
  const engineCpuBefore = processCpuSeconds(enginePid);
  const startedAt = performance.now();
  const { jobId } = await runJob(harness, service, "full");
  const job = await waitForJobEnd(jobId, 3_600_000);
  const wallMs = performance.now() - startedAt;
  const emulatorsCpu = process.cpuUsage(emulatorsCpuBefore);
  const emulatorsCpuSeconds = (emulatorsCpu.user + emulatorsCpu.system) / 1e6;
  const appCpuSeconds = processCpuSeconds(appPid) - appCpuBefore;
  const engineCpuSeconds = processCpuSeconds(enginePid) - engineCpuBefore;

  const requests = uploadRequests(harness);
  const accepted = requests.filter((request) => request.status === 200);
  const stored = new Set(storedObjects(harness).map((object) => object.id as string));
  const acceptedObjects = accepted.reduce((sum, request) => sum + (request.objectCount ?? 0), 0);
  const times = requests.map((request) => Date.parse(request.at));
  const uploadSpanMs = Math.max(...times) - Math.min(...times);
  // n requests span n-1 intervals at the paced rate; the last one's own minute is not part of the span.
  const scaledMinutes = requests.length > 1 ? (uploadSpanMs * requests.length) / (requests.length - 1) / MINUTE_MS : 1;

  const steps = await testDb
    .select()
    .from(tasks)
    .where(inArray(tasks.jobId, [jobId]));
  const byRun = new Map<string, typeof steps>();
  for (const step of steps) byRun.set(step.runId, [...(byRun.get(step.runId) ?? []), step]);
  const gaps: number[] = [];
  for (const runSteps of byRun.values()) {
    const ordered = runSteps.filter((step) => step.finishedAt).sort((a, b) => +a.startedAt - +b.startedAt);
    for (let index = 1; index < ordered.length; index += 1) {
      const previous = ordered[index - 1];
      const current = ordered[index];
      if (previous?.finishedAt && current) gaps.push(+current.startedAt - +previous.finishedAt);
    }
  }

  // Where the upload phase's time went: if few uploads had to wait for their turn, the pacing was not what
  // limited the rate; the time an upload step took besides that wait (database, Sentinel, the machine's load) was.
  const uploadSteps = steps.filter((step) => step.kind === "upload" && step.finishedAt);
  const waits = uploadSteps.map((step) => step.counts?.throttleWaitMs ?? 0);
  const worked = uploadSteps.map(
    (step) => +(step.finishedAt ?? 0) - +step.startedAt - (step.counts?.throttleWaitMs ?? 0),
  );
  const sortedTimes = [...times].sort((a, b) => a - b);
  const requestGaps = sortedTimes.slice(1).map((at, index) => at - (sortedTimes[index] ?? at));
  const uploadPhase = {
    seconds: Math.round(uploadSpanMs / 100) / 10,
    requestGapP50Ms: Math.round(percentile(requestGaps, 0.5)),
    requestGapP95Ms: Math.round(percentile(requestGaps, 0.95)),
    requestGapMaxMs: Math.round(percentile(requestGaps, 1)),
    shareOfUploadsThatWaitedForTurn: Math.round((waits.filter((wait) => wait > 0).length / waits.length) * 100) / 100,
    uploadStepWithoutWaitP50Ms: Math.round(percentile(worked, 0.5)),
    uploadStepWithoutWaitP95Ms: Math.round(percentile(worked, 0.95)),
    // Which requests Sentinel throttled, by their position among all upload requests.
    throttledRequestPositions: requests.flatMap((request, index) => (request.status === 429 ? [index] : [])),
  };
  const figures = {
    bench: "sync",
    indicators: INDICATORS,
    distinctObjects: expected.size,
    minuteMs: MINUTE_MS,
    status: job.status,
    // Indicators ThreatConnect sent unreadably, unmappable ones and Sentinel's per-record refusals: why a run that
    // lost nothing can still end partially_succeeded.
    jobErrors: {
      downloadRejected: job.downloadRejectedCount,
      mappingErrors: job.mappingErrorCount,
      rejectedBySentinel: job.rejectedCount,
    },
    wallSeconds: Math.round(wallMs / 100) / 10,
    objectsPerScaledMinute: Math.round(acceptedObjects / scaledMinutes),
    ratioOfLimit: Math.round((requests.length / scaledMinutes / 100) * 1000) / 1000,
    requests: requests.length,
    throttled429: requests.filter((request) => request.status === 429).length,
    lost: [...expected].filter((id) => !stored.has(id)).length,
    duplicated: acceptedObjects - stored.size,
    cpuSecondsPer1000: perThousand(appCpuSeconds + engineCpuSeconds),
    cpuSecondsPer1000ByProcess: { app: perThousand(appCpuSeconds), engine: perThousand(engineCpuSeconds) },
    peakRssMb: { app: processPeakRssMb(appPid), engine: processPeakRssMb(enginePid) },
    // Not the product's: both emulators, the ThreatConnect dataset and this bench's checks, in the bench process.
    emulators: {
      cpuSecondsPer1000: perThousand(emulatorsCpuSeconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    engineStepGapP50Ms: Math.round(percentile(gaps, 0.5)),
    engineStepGapP95Ms: Math.round(percentile(gaps, 0.95)),
    uploadPhase,
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  expect(["succeeded", "partially_succeeded"]).toContain(job.status);
});
