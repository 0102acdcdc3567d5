import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { jobs, serviceQueries, type Job } from "@/db/schema";
import type { QuerySortField, SortDirection } from "@/lib/vocabulary";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import type { PipelineEvent } from "@/server/deps";
import { IntegrationError } from "@/server/errors";
import { createServiceInput } from "@/server/services/service-input";
import { createService } from "@/server/services/services";
import { destinationOf } from "@/server/net/destinations";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import { makeOrg, testDb, testDeps } from "@/test/db";
import { requestJob } from "../jobs/jobs";
import type { Scope } from "../scope";
import {
  completeBatch,
  downloadDeletedPage,
  downloadQueryPage,
  failJob,
  finalizeJob,
  listBatches,
  prepareJob,
  startJob,
  uploadBatch,
  type PreparedJob,
} from "./index";

export type Stack = {
  threatConnect: ThreatConnectEmulator;
  azure: AzureEmulator;
  events: PipelineEvent[];
  /** A fresh org with one service wired to both emulators. */
  newService(overrides?: Record<string, unknown>): Promise<{ scope: Scope; serviceId: string; sourcesystem: string }>;
};

/** Both emulators for one test file, with a ThreatConnect dataset large enough for real paging and dedupe. */
export function usePipelineStack(options: { indicators: number; seed: number }): Stack {
  const stack = { events: [] as PipelineEvent[] } as Stack;
  beforeAll(async () => {
    stack.threatConnect = await startThreatConnectEmulator({ indicators: options.indicators, seed: options.seed });
    stack.azure = await startAzureEmulator({ port: 0 });
    const deps = testDeps({
      sentinelEndpoints: {
        authorityHost: stack.azure.authorityHost,
        sentinelBaseUrl: stack.azure.sentinelBaseUrl,
      },
      // The emulator listens on loopback, which the outbound policy refuses unless its host:port is listed.
      outbound: createOutboundPolicy({ allowlist: destinationOf(new URL(stack.threatConnect.baseUrl)) }),
      events: {
        send: (events) => {
          stack.events.push(...events);
          return Promise.resolve();
        },
      },
    });
    stack.newService = async (overrides = {}) => {
      const { org } = await makeOrg();
      const scope: Scope = { db: testDb, deps, orgId: org.id, actorUserId: null };
      const sourceName = `Pipeline-${org.slug}`;
      const service = await createService(
        scope,
        createServiceInput.parse({
          name: "Pipeline",
          tenantId: stack.azure.tenantId,
          clientId: stack.azure.clientId,
          workspaceId: stack.azure.workspaceId,
          clientSecret: stack.azure.clientSecret,
          sourceName,
          threatConnectBaseUrl: stack.threatConnect.baseUrl,
          threatConnectAccessId: stack.threatConnect.accessId,
          threatConnectSecretKey: stack.threatConnect.secretKey,
          ...overrides,
        }),
      );
      return { scope, serviceId: service.id, sourcesystem: `ThreatConnect-${sourceName}` };
    };
  });
  afterAll(async () => {
    await stack.threatConnect.close();
    await stack.azure.close();
  });
  return stack;
}

export type TestQuery = {
  owners: string[];
  types: string[];
  tql: string;
  sortField?: QuerySortField;
  sortDirection?: SortDirection;
};

/** Writes the query list directly, so a test can hold lists the save form refuses (no type filter at all). */
export async function setQueries(scope: Scope, serviceId: string, queries: TestQuery[]): Promise<void> {
  await testDb
    .delete(serviceQueries)
    .where(and(eq(serviceQueries.orgId, scope.orgId), eq(serviceQueries.serviceId, serviceId)));
  if (queries.length === 0) return;
  await testDb.insert(serviceQueries).values(
    queries.map((query, position) => ({
      orgId: scope.orgId,
      serviceId,
      position,
      owners: query.owners,
      types: query.types as never,
      tql: query.tql,
      sortField: query.sortField ?? "dateAdded",
      sortDirection: query.sortDirection ?? "ASC",
    })),
  );
}

export type RunOutcome = { job: Job; prepared?: PreparedJob };

/**
 * Calls the verbs in the order the Inngest functions do, without the engine: start, every page of every query,
 * deletions, prepare, each batch uploaded and counted down, finalize. A download failure fails the job the way
 * the function's failure handler does.
 */
export async function runJob(
  scope: Scope,
  input: {
    serviceId: string;
    mode: "full" | "delta";
    pageSize?: number;
    indicatorIds?: string[];
    beforeUpload?: (jobId: string) => Promise<void>;
  },
): Promise<RunOutcome> {
  const { jobId } = await requestJob(scope, {
    serviceId: input.serviceId,
    mode: input.mode,
    trigger: "manual",
    ...(input.indicatorIds ? { indicatorIds: input.indicatorIds } : {}),
  });
  const started = await startJob(scope, { jobId, runId: `run-${jobId}` });
  if (started.status !== "started") throw new Error(`job did not start: ${started.status}`);
  try {
    for (const query of started.queries) {
      let cursor: string | null = null;
      for (let page = 1; page === 1 || cursor !== null; page++) {
        const downloaded = await downloadQueryPage(scope, {
          jobId,
          position: query.position,
          page,
          cursor,
          ...(input.pageSize ? { pageSize: input.pageSize } : {}),
        });
        cursor = downloaded.next;
      }
    }
    for (const owner of started.deletionOwners) {
      let cursor: string | null = null;
      for (let page = 1; page === 1 || cursor !== null; page++) {
        cursor = (await downloadDeletedPage(scope, { jobId, owner, page, cursor })).next;
      }
    }
  } catch (error) {
    if (!(error instanceof IntegrationError)) throw error;
    await failJob(scope, { jobId, error: error.message, retryable: error.retryable });
    return { job: await jobRow(jobId) };
  }
  const prepared = await prepareJob(scope, { jobId });
  await input.beforeUpload?.(jobId);
  for (const batch of await listBatches(scope, { jobId, offset: 0, limit: 100_000 })) {
    await uploadBatch(scope, { jobId, batchId: batch.batchId });
    await completeBatch(scope, { jobId, batchId: batch.batchId });
  }
  await finalizeJob(scope, { jobId });
  return { job: await jobRow(jobId), prepared };
}

export async function jobRow(jobId: string): Promise<Job> {
  const [job] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new Error(`no job ${jobId}`);
  return job;
}
