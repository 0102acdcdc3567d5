import { asc, eq } from "drizzle-orm";
import { jobs, tasks, type Job } from "@/db/schema";
import { INDICATOR_TYPES, type FinalJobStatus, type RunMode } from "@/lib/vocabulary";
import { requestJob } from "@/server/jobs";
import { createServiceInput } from "@/server/services/service-input";
import { replaceQueries } from "@/server/services/queries";
import { createService } from "@/server/services/services";
import type { QueryDefinition } from "@/server/services/query-input";
import { dedupeKey, stixIdFor } from "@/server/stix";
import { createThreatConnectClient } from "@/server/threatconnect";
import { makeOrg, testDb } from "@/test/db";
import type { PipelineHarness } from "./pipeline-harness";

export type SyncService = { orgId: string; serviceId: string };

/** One query for everything the emulator's three owners hold: the drills and benchmarks expect the whole seeded set. */
export const EVERY_INDICATOR_QUERY: QueryDefinition[] = [
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: [...INDICATOR_TYPES],
    tql: "confidence >= 0",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

/** What the scenario helpers use of a harness, so a harness that runs the app in a process of its own fits too. */
export type ScenarioHarness = Pick<PipelineHarness, "threatConnect" | "azure" | "scopeFor">;

/** An org with one service wired to the harness's emulators and the given ordered queries. */
export async function createSyncService(
  harness: ScenarioHarness,
  queries: QueryDefinition[],
  overrides: Record<string, unknown> = {},
  orgId?: string,
): Promise<SyncService> {
  const org = orgId ?? (await makeOrg()).org.id;
  const scope = { ...harness.scopeFor(org), actorUserId: null };
  // Its own source name gives each service its own sourcesystem in Sentinel's store and request log.
  const suffix = Math.random().toString(36).slice(2, 8);
  const service = await createService(
    scope,
    createServiceInput.parse({
      name: `Pipeline ${suffix}`,
      sourceName: `Pipeline-${suffix}`,
      tenantId: harness.azure.tenantId,
      clientId: harness.azure.clientId,
      workspaceId: harness.azure.workspaceId,
      clientSecret: harness.azure.clientSecret,
      threatConnectBaseUrl: harness.threatConnect.baseUrl,
      threatConnectAccessId: harness.threatConnect.accessId,
      threatConnectSecretKey: harness.threatConnect.secretKey,
      ...overrides,
    }),
  );
  await replaceQueries(scope, { serviceId: service.id, queriesVersion: 0, runMode: "full", queries });
  return { orgId: org, serviceId: service.id };
}

export async function runJob(harness: ScenarioHarness, service: SyncService, mode: RunMode) {
  return requestJob(harness.scopeFor(service.orgId), { serviceId: service.serviceId, mode, trigger: "manual" });
}

const FINAL: readonly string[] = ["succeeded", "partially_succeeded", "failed", "cancelled"];

export async function jobRow(jobId: string): Promise<Job> {
  const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new Error(`job ${jobId} does not exist`);
  return job;
}

/** Polls the job until it reaches a final status (the pipeline runs asynchronously in the engine). */
export async function waitForJobEnd(jobId: string, timeoutMs = 60_000): Promise<Job & { status: FinalJobStatus }> {
  return waitUntil(`job ${jobId} to finish`, timeoutMs, async () => {
    const job = await jobRow(jobId);
    return FINAL.includes(job.status) ? (job as Job & { status: FinalJobStatus }) : undefined;
  });
}

export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function tasksOf(jobId: string) {
  return testDb.select().from(tasks).where(eq(tasks.jobId, jobId)).orderBy(asc(tasks.startedAt));
}

/** Every result of every query, straight from the ThreatConnect emulator through our client, copies included. */
export async function indicatorsOfQueries(harness: ScenarioHarness, queries: QueryDefinition[]) {
  const client = createThreatConnectClient({
    credentials: {
      baseUrl: harness.threatConnect.baseUrl,
      accessId: harness.threatConnect.accessId,
      secretKey: harness.threatConnect.secretKey,
    },
    timeoutMs: 30_000,
  });
  const results: { id: string; key: string }[] = [];
  for (const query of queries) {
    for await (const page of client.indicatorPages({ tql: query.tql, owners: query.owners, types: query.types })) {
      for (const indicator of page.indicators) {
        const key = dedupeKey(indicator);
        if (key.ok) results.push({ id: indicator.id, key: key.key });
      }
    }
  }
  return results;
}

/** What Sentinel must hold after a full update, computed without the pipeline: one id per distinct observable. */
export async function expectedStixIds(harness: ScenarioHarness, queries: QueryDefinition[]): Promise<Set<string>> {
  return new Set((await indicatorsOfQueries(harness, queries)).map((indicator) => stixIdFor(indicator.key)));
}

/** The STIX ids Sentinel's emulator stores for the workspace: the ground truth, not the app's counters. */
export function storedObjects(harness: ScenarioHarness) {
  return harness.azure.control.listObjects({ workspaceId: harness.azure.workspaceId }).map((stored) => stored.object);
}

/** Upload requests Sentinel answered, in order, with their status and object count. */
export function uploadRequests(harness: ScenarioHarness) {
  return harness.azure.control.requests().filter((request) => request.path.includes(":upload"));
}
