import { writeFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { QueryDefinition } from "@/server/services/query-input";
import { startPipelineHarness, type PipelineHarness } from "@/test/pipeline/pipeline-harness";
import {
  createSyncService,
  indicatorsOfQueries,
  runJob,
  uploadRequests,
  waitForJobEnd,
  type SyncService,
} from "@/test/pipeline/scenario";

/**
 * bench:delta: a full update of --indicators, then deltas after 0, 100 and 10,000 changes in ThreatConnect (each
 * capped at half the dataset), through the engine and both emulators. Counts Sentinel's upload requests per run.
 */
const settings = process.env;
const INDICATORS = Number(settings.BENCH_INDICATORS ?? 100_000);
const MINUTE_MS = Number(settings.BENCH_MINUTE_MS ?? 6000);
const RESULT_FILE = settings.BENCH_RESULT_FILE;
/** db/client.ts's default, which the server runs with. */
const SERVER_DATABASE_POOL_SIZE = 10;
const CHANGES = [0, 100, 10_000].map((count) => Math.min(count, Math.floor(INDICATORS / 2)));

const QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

let harness: PipelineHarness | undefined;
afterAll(async () => {
  await harness?.close();
});

async function timedRun(running: PipelineHarness, service: SyncService, mode: "full" | "delta") {
  const requestsBefore = uploadRequests(running).length;
  const startedAt = performance.now();
  const { jobId } = await runJob(running, service, mode);
  const job = await waitForJobEnd(jobId, 3_600_000);
  return {
    status: job.status,
    // Unreadable and unmappable indicators and Sentinel's refusals: why a run that lost nothing can still end
    // partially_succeeded (the emulator seeds indicators the product cannot map).
    jobErrors: {
      downloadRejected: job.downloadRejectedCount,
      mappingErrors: job.mappingErrorCount,
      rejectedBySentinel: job.rejectedCount,
    },
    seconds: Math.round(((performance.now() - startedAt) / 1000) * 10) / 10,
    uploadRequests: uploadRequests(running).length - requestsBefore,
    sent: job.sentCount,
  };
}

it(`deltas of ${CHANGES.join(", ")} changes after a full update of ${INDICATORS}`, async () => {
  // As bench:sync runs it: the engine in its own process, the app with the server's database pool.
  harness = await startPipelineHarness({
    indicators: INDICATORS,
    seed: 15,
    minuteMs: MINUTE_MS,
    engine: "process",
    appDatabasePoolSize: SERVER_DATABASE_POOL_SIZE,
  });
  const service = await createSyncService(harness, QUERIES);
  const full = await timedRun(harness, service, "full");
  const ids = [...new Set((await indicatorsOfQueries(harness, QUERIES)).map((indicator) => indicator.id))];

  const deltas = [];
  let offset = 0;
  for (const changes of CHANGES) {
    for (const id of ids.slice(offset, offset + changes)) {
      harness.threatConnect.control.modifyIndicator(id, { tags: [`Bench delta ${changes}`] });
    }
    offset += changes;
    const delta = await timedRun(harness, service, "delta");
    deltas.push({ changes, ...delta, ratioOfFullWallTime: Math.round((delta.seconds / full.seconds) * 1000) / 1000 });
  }

  const figures = {
    bench: "delta",
    indicators: INDICATORS,
    minuteMs: MINUTE_MS,
    fullStatus: full.status,
    fullJobErrors: full.jobErrors,
    fullSeconds: full.seconds,
    fullUploadRequests: full.uploadRequests,
    uploadRequests: Object.fromEntries(deltas.map((delta) => [delta.changes, delta.uploadRequests])),
    wallTimeRatio: Object.fromEntries(deltas.map((delta) => [delta.changes, delta.ratioOfFullWallTime])),
    deltas,
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  for (const run of [full, ...deltas]) expect(["succeeded", "partially_succeeded"]).toContain(run.status);
});
