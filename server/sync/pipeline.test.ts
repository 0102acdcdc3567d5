import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobErrors, jobs, sentState, uploadBatchItems, uploadBatches } from "@/db/schema";
import { cancelJob } from "@/server/jobs";
import { DEFAULT_TTL_HOURS, dedupeByQueryOrder, dedupeKey, mapIndicator, stixIdFor } from "@/server/stix";
import { createThreatConnectClient, MAPPING_FIELDS, type IndicatorType } from "@/server/threatconnect";
import { testDb } from "@/test/db";
import { runJob, setQueries, usePipelineStack, type Stack, type TestQuery } from "./pipeline-harness.test-support";

const stack = usePipelineStack({ indicators: 2500, seed: 11 });

const OVERLAPPING_QUERIES: TestQuery[] = [
  { owners: ["Demo Source"], types: ["Host", "Address"], tql: "rating >= 3" },
  { owners: ["Demo Organization", "Demo Source"], types: ["Host", "URL", "Address"], tql: "confidence >= 20" },
  {
    owners: ["Demo Organization", "Demo Source", "Demo Community"],
    types: ["Address", "ASN", "CIDR", "EmailAddress", "Email Subject", "File", "Host", "Registry Key", "URL"],
    tql: "rating >= 0",
  },
];

/** What Sentinel must hold after a full run: each query read by the product's client, deduped and mapped in memory. */
async function expectedWinners(stackRef: Stack, queries: TestQuery[]) {
  const client = createThreatConnectClient({
    credentials: {
      baseUrl: stackRef.threatConnect.baseUrl,
      accessId: stackRef.threatConnect.accessId,
      secretKey: stackRef.threatConnect.secretKey,
    },
  });
  const settings = { sourceName: "expected", ttlHours: { ...DEFAULT_TTL_HOURS }, now: new Date() };
  const candidates = [];
  for (const [position, query] of queries.entries()) {
    const pages = client.indicatorPages(
      { tql: query.tql, owners: query.owners, types: query.types as IndicatorType[], fields: [...MAPPING_FIELDS] },
      { pageSize: 10_000 },
    );
    for await (const page of pages) {
      for (const indicator of page.indicators) {
        const key = dedupeKey(indicator);
        if (!key.ok || !mapIndicator(indicator, settings).ok) continue;
        candidates.push({
          dedupeKey: key.key,
          queryPosition: position,
          ownerName: indicator.ownerName,
          indicatorId: indicator.id,
        });
      }
    }
  }
  return dedupeByQueryOrder(candidates);
}

function uploadRequests(stackRef: Stack, workspaceId: string, sinceSequence: number) {
  return stackRef.azure.control
    .requests()
    .filter((request) => request.sequence > sinceSequence && request.workspaceId === workspaceId)
    .filter((request) => request.path.includes(":upload"));
}

const lastSequence = (stackRef: Stack) => stackRef.azure.control.requests().at(-1)?.sequence ?? 0;

function storedById(stackRef: Stack, sourcesystem: string) {
  return new Map(
    stackRef.azure.control
      .listObjects({ sourcesystem })
      .map((stored) => [stored.object.id as string, stored.object] as const),
  );
}

describe("a full run", () => {
  it("sends exactly the deduped, mapped set of three overlapping queries in ceil(n/100) requests", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    await setQueries(scope, serviceId, OVERLAPPING_QUERIES);
    const expected = await expectedWinners(stack, OVERLAPPING_QUERIES);
    const before = lastSequence(stack);

    const { job, prepared } = await runJob(scope, { serviceId, mode: "full", pageSize: 700 });

    expect(job.status).toBe("succeeded");
    expect(expected.droppedDuplicates).toBeGreaterThan(100);
    expect(job.duplicateCount).toBe(expected.droppedDuplicates);
    expect(job.sentCount).toBe(expected.winners.length);
    expect(prepared?.batches).toBe(Math.ceil(expected.winners.length / 100));
    expect(Object.values(job.toSendByType).reduce((sum, objects) => sum + objects, 0)).toBe(job.toSendCount);
    const requests = uploadRequests(stack, stack.azure.workspaceId, before);
    expect(requests).toHaveLength(Math.ceil(expected.winners.length / 100));
    expect(Math.max(...requests.map((request) => request.objectCount ?? 0))).toBeLessThanOrEqual(100);

    const stored = storedById(stack, sourcesystem);
    expect(new Set(stored.keys())).toEqual(new Set(expected.winners.map((winner) => stixIdFor(winner.dedupeKey))));
    for (const winner of expected.winners) {
      const object = stored.get(stixIdFor(winner.dedupeKey)) as { external_references: { external_id: string }[] };
      expect(object.external_references[0]?.external_id).toBe(winner.indicatorId);
    }
    const leftover = await testDb
      .select({ batchId: uploadBatchItems.batchId })
      .from(uploadBatchItems)
      .innerJoin(uploadBatches, eq(uploadBatches.id, uploadBatchItems.batchId))
      .where(eq(uploadBatches.jobId, job.id));
    expect(leftover).toHaveLength(0);
  });
});

describe("deltas", () => {
  it("after modifying 37 and deleting 5 sends exactly 37 and revokes 5; with no change it sends nothing", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    const queries = OVERLAPPING_QUERIES.slice(2);
    await setQueries(scope, serviceId, queries);
    await runJob(scope, { serviceId, mode: "full" });
    const live = await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId));
    const byKey = new Map<string, number>();
    for (const row of live) byKey.set(row.indicatorKey, (byKey.get(row.indicatorKey) ?? 0) + 1);
    const [modified, deleted] = [live.slice(0, 37), live.slice(100, 105)];
    for (const row of modified)
      stack.threatConnect.control.modifyIndicator(row.tcId ?? "", { rating: 5, confidence: 99 });
    for (const row of deleted) stack.threatConnect.control.deleteIndicator(row.tcId ?? "");

    const before = lastSequence(stack);
    const { job } = await runJob(scope, { serviceId, mode: "delta" });
    expect(job).toMatchObject({ status: "succeeded", mode: "delta", sentCount: 37, revokedCount: 5 });
    expect(uploadRequests(stack, stack.azure.workspaceId, before)).toHaveLength(1);
    const stored = storedById(stack, sourcesystem);
    for (const row of deleted) expect(stored.get(row.stixId)).toMatchObject({ revoked: true });
    for (const row of modified) expect(stored.get(row.stixId)).toMatchObject({ confidence: 99 });
    for (const row of modified) {
      const object = stored.get(row.stixId) as { modified: string };
      expect(new Date(object.modified).getTime()).toBeGreaterThan(row.lastModifiedSent.getTime());
    }

    const quiet = lastSequence(stack);
    const { job: unchanged, prepared } = await runJob(scope, { serviceId, mode: "delta" });
    expect(unchanged.status).toBe("succeeded");
    expect(prepared?.batches).toBe(0);
    expect(uploadRequests(stack, stack.azure.workspaceId, quiet)).toHaveLength(0);
  });

  it("keeps alive, with a new valid_until, objects whose TTL would lapse before the next run", async () => {
    const ttlHours = { Address: 720, ASN: 720, CIDR: 720, EmailAddress: 720, "Email Subject": 720, File: 720 };
    const { scope, serviceId, sourcesystem } = await stack.newService({
      ttlHours: { ...ttlHours, Host: 2, "Registry Key": 720, URL: 720 },
      scheduleIntervalHours: 24,
    });
    await setQueries(scope, serviceId, [{ owners: ["Demo Organization"], types: ["Host", "URL"], tql: "rating >= 0" }]);
    const { job: first } = await runJob(scope, { serviceId, mode: "full" });
    const hosts = await testDb
      .select()
      .from(sentState)
      .where(and(eq(sentState.serviceId, serviceId), eq(sentState.indicatorType, "Host")));
    expect(hosts.length).toBeGreaterThan(0);

    const { job } = await runJob(scope, { serviceId, mode: "delta" });
    expect(job.keepAliveCount).toBe(hosts.length);
    expect(job.sentCount).toBe(hosts.length);
    const stored = storedById(stack, sourcesystem);
    for (const host of hosts) {
      const object = stored.get(host.stixId) as { valid_until: string; revoked?: boolean };
      expect(new Date(object.valid_until).getTime()).toBeGreaterThan(host.validUntil?.getTime() ?? 0);
      expect(object.revoked).toBeUndefined();
    }
    expect(first.sentCount).toBeGreaterThan(hosts.length);
  });
});

describe("removal and return", () => {
  it("revokes what stops matching in a full run, and sends it under a new id when it matches again", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    const wide: TestQuery = { owners: ["Demo Organization"], types: ["Host", "URL"], tql: "rating >= 0" };
    await setQueries(scope, serviceId, [wide]);
    await runJob(scope, { serviceId, mode: "full" });
    const urls = await testDb
      .select()
      .from(sentState)
      .where(and(eq(sentState.serviceId, serviceId), eq(sentState.indicatorType, "URL")));
    expect(urls.length).toBeGreaterThan(0);

    await setQueries(scope, serviceId, [{ ...wide, types: ["Host"] }]);
    const { job: narrowed } = await runJob(scope, { serviceId, mode: "full" });
    expect(narrowed.revokedCount).toBe(urls.length);
    expect(narrowed.sentCount).toBe(0);
    const afterRemoval = storedById(stack, sourcesystem);
    for (const url of urls) expect(afterRemoval.get(url.stixId)).toMatchObject({ revoked: true });

    await setQueries(scope, serviceId, [wide]);
    const { job: widened } = await runJob(scope, { serviceId, mode: "full" });
    expect(widened.sentCount).toBe(urls.length);
    const back = await testDb
      .select()
      .from(sentState)
      .where(and(eq(sentState.serviceId, serviceId), eq(sentState.indicatorType, "URL")));
    const stored = storedById(stack, sourcesystem);
    for (const url of back) {
      expect(url).toMatchObject({ revoked: false, revocationGeneration: 1 });
      expect(urls.map((old) => old.stixId)).not.toContain(url.stixId);
      expect(stored.get(url.stixId)).not.toHaveProperty("revoked");
    }
  });
});

describe("cancel", () => {
  it("sends no batch once the job is cancelled and leaves nothing in the sent-state", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    await setQueries(scope, serviceId, [{ owners: ["Demo Organization"], types: ["Host"], tql: "rating >= 0" }]);
    const before = lastSequence(stack);
    const { job, prepared } = await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        const [row] = await testDb.select().from(jobs).where(eq(jobs.id, jobId));
        await cancelJob(scope, { requestId: row?.requestId ?? "" });
      },
    });
    expect(prepared?.batches).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: "cancelled", sentCount: 0 });
    expect(uploadRequests(stack, stack.azure.workspaceId, before)).toHaveLength(0);
    expect(stack.azure.control.listObjects({ sourcesystem })).toHaveLength(0);
    expect(await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId))).toEqual([]);
  });
});

describe("retrying failed records", () => {
  it("downloads only the named indicators and neither revokes nor keeps alive anything else", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, [{ owners: ["Demo Organization"], types: ["Host", "URL"], tql: "rating >= 0" }]);
    const { job: full } = await runJob(scope, { serviceId, mode: "full" });
    const live = await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId));
    const chosen = live.slice(0, 2).map((row) => row.tcId ?? "");
    // A new tag always changes what is sent; a confidence could already be the one set.
    for (const id of chosen) stack.threatConnect.control.modifyIndicator(id, { tags: ["Retry test"] });

    const { job } = await runJob(scope, { serviceId, mode: "delta", indicatorIds: chosen });
    expect(job).toMatchObject({ status: "succeeded", fetchedCount: 2, sentCount: 2, revokedCount: 0 });
    expect(full.sentCount).toBeGreaterThan(2);
  });
});

describe("failures", () => {
  it("reports an indicator type the product does not map as a mapping error and sends the rest", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    const mutex = stack.threatConnect.control.addIndicator({
      type: "Mutex",
      summary: "Global\\pipeline-test-mutex",
    } as never);
    await setQueries(scope, serviceId, [
      { owners: ["Demo Organization"], types: [], tql: `id = ${mutex.id} OR rating >= 4` },
    ]);
    const { job } = await runJob(scope, { serviceId, mode: "full" });
    expect(job.status).toBe("partially_succeeded");
    expect(job.sentCount).toBeGreaterThan(0);
    expect(job.mappingErrorCount).toBeGreaterThanOrEqual(1);
    const errors = await testDb.select().from(jobErrors).where(eq(jobErrors.jobId, job.id));
    expect(errors).toContainEqual(
      expect.objectContaining({ source: "mapping", field: "type", indicatorId: mutex.id, indicatorType: "Mutex" }),
    );
    expect(stack.azure.control.listObjects({ sourcesystem })).toHaveLength(job.sentCount);
  });

  it("records per-record rejections as errors naming the indicator and ends partially_succeeded", async () => {
    const { scope, serviceId } = await stack.newService();
    await setQueries(scope, serviceId, [{ owners: ["Demo Organization"], types: ["Host"], tql: "rating >= 0" }]);
    const spoiled: string[] = [];
    const { job } = await runJob(scope, {
      serviceId,
      mode: "full",
      beforeUpload: async (jobId) => {
        // Sentinel's own validation refuses a pattern it cannot parse; the mapper never writes one, so a test does.
        const [batch] = await testDb.select().from(uploadBatches).where(eq(uploadBatches.jobId, jobId));
        const items = await testDb
          .select()
          .from(uploadBatchItems)
          .where(eq(uploadBatchItems.batchId, batch?.id ?? ""));
        for (const item of items.slice(0, 3)) {
          spoiled.push(item.tcId ?? "");
          await testDb
            .update(uploadBatchItems)
            .set({ object: { ...item.object, pattern: "[not a pattern" } })
            .where(and(eq(uploadBatchItems.batchId, item.batchId), eq(uploadBatchItems.ordinal, item.ordinal)));
        }
      },
    });
    expect(job).toMatchObject({ status: "partially_succeeded", rejectedCount: 3 });
    const errors = await testDb.select().from(jobErrors).where(eq(jobErrors.jobId, job.id));
    expect(
      errors
        .filter((error) => error.source === "sentinel")
        .map((error) => error.indicatorId)
        .sort(),
    ).toEqual(spoiled.sort());
    expect(errors.every((error) => error.indicatorType === "Host" && error.indicatorValue && error.message)).toBe(true);
    const live = await testDb.select().from(sentState).where(eq(sentState.serviceId, serviceId));
    expect(live.map((row) => row.tcId)).not.toContain(spoiled[0]);
  });

  it("fails a job whose TQL ThreatConnect rejects, with ThreatConnect's message, sending nothing", async () => {
    const { scope, serviceId, sourcesystem } = await stack.newService();
    await setQueries(scope, serviceId, [{ owners: ["Demo Organization"], types: ["Host"], tql: "nosuchfield = 1" }]);
    const before = lastSequence(stack);
    const { job } = await runJob(scope, { serviceId, mode: "full" });
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/ThreatConnect rejected the TQL/);
    expect(uploadRequests(stack, stack.azure.workspaceId, before)).toHaveLength(0);
    expect(stack.azure.control.listObjects({ sourcesystem })).toHaveLength(0);
  });
});
