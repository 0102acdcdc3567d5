import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentState } from "@/db/schema";
import { testDb } from "@/test/db";
import { startAppProcessHarness, type AppProcessHarness } from "@/test/pipeline/app-process-harness";
import {
  EVERY_INDICATOR_QUERY,
  createSyncService,
  expectedStixIds,
  jobRow,
  runJob,
  storedObjects,
  waitForJobEnd,
  waitUntil,
} from "@/test/pipeline/scenario";

/**
 * pg_terminate_backend on the app's Postgres sessions while they run a query — what a failover, a pooler restart or
 * an operator does — in the download and the upload of a full update. The app runs in its own process (its sessions
 * are told apart by application_name), so the test's own connections and the engine's stay up. Unpatched, postgres.js
 * 3.4.9 crashed the app on the first such kill inside a transaction (patches/README.md); now each failed step is
 * retried and the job ends exact.
 */
const OPPORTUNISTIC_KILLS = 4;

let harness: AppProcessHarness;

beforeAll(async () => {
  harness = await startAppProcessHarness({ indicators: 5000, seed: 33, minuteMs: 2000 });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/** Terminates the app's sessions that are running a query right now (`waiting`: only those waiting for a lock). */
async function terminateBusyAppSessions(waiting = false): Promise<string[]> {
  const rows = await testDb.execute<{ terminated: boolean; query: string }>(
    sql`select pg_terminate_backend(pid) as terminated, left(query, 40) as query from pg_stat_activity
        where application_name = ${harness.applicationName} and state = 'active'
          and (${!waiting} or wait_event_type = 'Lock')`,
  );
  return rows.filter((row) => row.terminated).map((row) => row.query);
}

/**
 * Holds the job's row locked until one of the app's sessions waits for it in the middle of its statement (they all
 * update the job's counts), and terminates that session then: a kill in a known phase, not one a poll happened to catch.
 */
async function terminateSessionWaitingForJob(jobId: string): Promise<string[]> {
  return testDb.transaction(async (tx) => {
    await tx.execute(sql`select id from jobs where id = ${jobId} for update`);
    return waitUntil("an app session to wait for the job's row", 60_000, async () => {
      harness.assertAppAlive();
      const killed = await terminateBusyAppSessions(true);
      return killed.length > 0 ? killed : undefined;
    });
  });
}

describe("Postgres terminating the app's sessions in the middle of their queries", () => {
  it("the app survives every kill, each phase recovers, and Sentinel gets exactly the expected set", async () => {
    const service = await createSyncService(harness, EVERY_INDICATOR_QUERY);
    const expected = await expectedStixIds(harness, EVERY_INDICATOR_QUERY);
    const { jobId } = await runJob(harness, service, "full");

    const killsByPhase = new Map<string, number>();
    const killed: string[] = [];
    const record = (phase: string, queries: string[]) => {
      killed.push(...queries);
      killsByPhase.set(phase, (killsByPhase.get(phase) ?? 0) + queries.length);
    };
    const phaseReached = (what: string, reached: (job: Awaited<ReturnType<typeof jobRow>>) => boolean) =>
      waitUntil(what, 60_000, async () => {
        harness.assertAppAlive();
        const job = await jobRow(jobId);
        return reached(job) ? job : undefined;
      });

    await phaseReached("the download", (job) => job.phase === "download");
    record("download", await terminateSessionWaitingForJob(jobId));
    for (const remaining of [0.7, 0.3]) {
      const job = await phaseReached(`${remaining * 100}% of the batches to remain`, (row) => {
        const uploading = row.phase === "upload" && row.batchCount > 0;
        return Boolean(row.finishedAt) || (uploading && row.batchesRemaining <= row.batchCount * remaining);
      });
      if (!job.finishedAt) record("upload", await terminateSessionWaitingForJob(jobId));
    }
    // Then a few more that a poll finds running. Bounded: every kill costs its step an attempt and a backoff, and a
    // step killed on each of its attempts would fail the job, which is a different drill.
    const opportunistic = killed.length + OPPORTUNISTIC_KILLS;
    await waitUntil("busy sessions to terminate, or the job to end", 150_000, async () => {
      harness.assertAppAlive();
      const job = await jobRow(jobId);
      if (job.finishedAt || killed.length >= opportunistic) return true;
      record(job.phase, await terminateBusyAppSessions());
      return undefined;
    });
    const job = await waitForJobEnd(jobId, 120_000);

    const context = `killed ${JSON.stringify(Object.fromEntries(killsByPhase))}: ${killed.join(" | ")}`;
    harness.assertAppAlive();
    expect([job.status, job.error], context).toEqual(["succeeded", null]);
    expect(killsByPhase.get("download"), context).toBeGreaterThan(0);
    expect(killsByPhase.get("upload"), context).toBeGreaterThan(1);
    const stored = new Set(storedObjects(harness).map((object) => object.id as string));
    expect(stored, context).toEqual(expected);
    const sent = await testDb.select().from(sentState).where(eq(sentState.serviceId, service.serviceId));
    expect(new Set(sent.map((row) => row.stixId)), context).toEqual(expected);
  }, 240_000);
});
