import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestFilteringHttpAgent } from "request-filtering-agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect/index";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import { mapIndicator } from "@/server/stix";
import {
  createThreatConnectClient,
  LONG_QUERY_CHARACTERS,
  ThreatConnectError,
  type ThreatConnectClientOptions,
} from "./index";

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

async function failure(promise: Promise<unknown>): Promise<ThreatConnectError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ThreatConnectError)) throw new Error(`expected a ThreatConnectError, got ${String(error)}`);
  return error;
}

describe("what real ThreatConnect sends", () => {
  let emulator: ThreatConnectEmulator;
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({ indicators: 400, seed: 11 });
  });
  afterAll(() => emulator.close());

  const client = (overrides: Partial<ThreatConnectClientOptions> = {}) =>
    createThreatConnectClient({
      credentials: { baseUrl: emulator.baseUrl, accessId: emulator.accessId, secretKey: emulator.secretKey },
      retry: FAST_RETRY,
      timeoutMs: 5000,
      ...overrides,
    });

  it("reads creators without ids and empty collections as {} or {count: 0}, asking for what the mapping needs", async () => {
    const page = await client().indicatorPage({}, { pageSize: 400 });
    expect(page.rejected).toEqual([]);
    expect(page.indicators.length).toBeGreaterThan(300);
    const target = emulator.control.requestLog().at(-1)?.target ?? "";
    for (const field of ["tags", "attributes", "associatedGroups", "threatAssess"]) {
      expect(target).toContain(`fields=${field}`);
    }
    expect(page.indicators.every((indicator) => typeof indicator.threatAssessScore === "number")).toBe(true);
    const creators = page.indicators.flatMap((indicator) => [
      ...(indicator.attributes?.data ?? []).map((attribute) => attribute.createdBy),
      ...(indicator.associatedGroups?.data ?? []).map((group) => group.createdBy),
    ]);
    expect(creators.some((creator) => creator !== undefined && creator.id === undefined)).toBe(true);
    expect(page.indicators.some((indicator) => indicator.tags?.data === undefined)).toBe(true);
  });

  it("turns one malformed indicator into a rejection with what identifies it, and keeps the rest of the page", async () => {
    const first = await client().indicatorPage({ sortField: "dateAdded" }, { pageSize: 20 });
    const victim = first.indicators[3];
    emulator.control.setFaults({ malformedIndicatorIds: [victim?.id ?? ""] });
    const page = await client().indicatorPage({ sortField: "dateAdded" }, { pageSize: 20 });
    emulator.control.setFaults({ malformedIndicatorIds: [] });
    expect(page.indicators).toHaveLength(19);
    expect(page.indicators.map((indicator) => indicator.id)).not.toContain(victim?.id);
    expect(page.rejected).toEqual([
      {
        id: victim?.id,
        type: victim?.type,
        ownerName: victim?.ownerName,
        summary: undefined,
        field: "summary",
        reason: expect.stringContaining("string"),
      },
    ]);
  });

  it("passes an indicator type the product does not map through to the mapping, which reports it alone", async () => {
    const query = { tql: 'typeName IN ("Mutex", "Host")' };
    const page = await client().indicatorPage(query, { pageSize: 400 });
    const settings = { sourceName: "Test", ttlHours: {} as never, now: new Date() };
    const mutexes = page.indicators.filter((indicator) => indicator.type === "Mutex");
    expect(mutexes.length).toBeGreaterThan(0);
    for (const mutex of mutexes) expect(mapIndicator(mutex, settings)).toMatchObject({ ok: false });
    expect(page.indicators.some((indicator) => indicator.type === "Host")).toBe(true);
  });

  it("classifies a bad signature answered with 400 as an authentication error", async () => {
    emulator.control.setFaults({ badSignatureStatus: 400 });
    const error = await failure(
      client({ credentials: { ...credentialsOf(emulator), secretKey: "wrong" } }).listOwners(),
    );
    emulator.control.setFaults({ badSignatureStatus: 401 });
    expect(error).toMatchObject({ code: "auth", status: 400, retryable: false });
  });

  it("lists deletions one owner at a time and never reinterprets an entry's dateAdded", async () => {
    const since = new Date(Date.now() - 60_000);
    const inSource = emulator.control.addIndicator({
      type: "Host",
      summary: "gone.source.example",
      owner: "Demo Source",
    });
    const inCommunity = emulator.control.addIndicator({
      type: "Host",
      summary: "gone.community.example",
      owner: "Demo Community",
    });
    emulator.control.deleteIndicator(inSource.id);
    emulator.control.deleteIndicator(inCommunity.id);
    const source = await client().deletedIndicators({ owner: "Demo Source", since, type: "Host" });
    expect(source).toEqual([
      { ownerName: "Demo Source", type: "Host", summary: "gone.source.example", dateAdded: inSource.dateAdded },
    ]);
    expect(await client().deletedIndicators({ owner: "Demo Organization", since, type: "Host" })).toEqual([]);
    expect(emulator.control.requestLog().at(-1)?.target).toContain("owner=Demo%20Organization");
    const page = await client().deletedIndicatorPage({ owner: "Demo Community", since });
    expect(page).toEqual({
      deleted: [expect.objectContaining({ summary: "gone.community.example" })],
      next: undefined,
    });
  });

  it("sends a query past the length threshold as a JSON body signed over the path, with the same answer", async () => {
    const excluded = Array.from({ length: 150 }, (_, index) => `"excluded-${index}.example"`).join(", ");
    const tql = `summary NOT IN (${excluded}) AND rating >= 2`;
    expect(encodeURIComponent(tql).length).toBeGreaterThan(LONG_QUERY_CHARACTERS);
    const long = await client().indicatorPage({ tql, types: ["Host", "Address"] }, { pageSize: 50 });
    const entry = emulator.control.requestLog().at(-1);
    expect(entry?.target).toBe("/api/v3/indicators");
    expect(JSON.parse(entry?.body ?? "{}")).toMatchObject({ data: { tql: expect.stringContaining("NOT IN") } });
    const short = await client().indicatorPage({ tql: "rating >= 2", types: ["Host", "Address"] }, { pageSize: 50 });
    expect(long.indicators.map((indicator) => indicator.id)).toEqual(short.indicators.map((indicator) => indicator.id));
    expect(long.total).toBe(short.total);
    const second = await client().indicatorPage({}, { cursor: long.next });
    expect(emulator.control.requestLog().at(-1)?.target).toBe("/api/v3/indicators");
    expect(second.resultStart).toBe(50);
  });

  it("continues from a page's cursor and refuses a cursor that points anywhere else", async () => {
    const first = await client().indicatorPage({ sortField: "dateAdded" }, { pageSize: 10 });
    const second = await client().indicatorPage({ sortField: "dateAdded" }, { cursor: first.next });
    expect(second.resultStart).toBe(10);
    expect(second.indicators[0]?.id).not.toBe(first.indicators[0]?.id);
    const elsewhere = await failure(client().indicatorPage({}, { cursor: "https://evil.test/steal?resultStart=1" }));
    expect(elsewhere.message).toContain("unexpected path: /steal");
  });

  it("refuses a TQL that would escape its filters before sending anything", async () => {
    const before = emulator.control.requestLog().length;
    const error = await failure(
      client().indicatorPage({ tql: 'rating > 4) OR (typeName = "Mutex"', types: ["Host"], owners: ["Demo Source"] }),
    );
    expect(error).toMatchObject({ code: "invalid_tql", field: "tql" });
    expect(emulator.control.requestLog().length).toBe(before);
  });

  it("caps a response's size, a call's duration and the pages followed", async () => {
    const tooLarge = await failure(client({ maxResponseBytes: 2000 }).indicatorPage({}, { pageSize: 50 }));
    expect(tooLarge).toMatchObject({ code: "response_too_large", retryable: false });
    emulator.control.setFaults({ latencyMs: 2000 });
    const started = Date.now();
    const slow = await failure(client({ deadlineMs: 300 }).listOwners());
    emulator.control.setFaults({ latencyMs: 0 });
    expect(slow).toMatchObject({ code: "timeout" });
    expect(slow.message).toContain("within the 300 ms allowed");
    expect(Date.now() - started).toBeLessThan(1500);
    const pages: number[] = [];
    const walk = async () => {
      for await (const page of client({ maxPages: 3 }).indicatorPages({}, { pageSize: 10 }))
        pages.push(page.resultStart);
    };
    expect(await failure(walk())).toMatchObject({ code: "too_many_pages" });
    expect(pages).toEqual([0, 10, 20]);
  });

  it("sends every request through an injected agent, which can refuse a destination before connecting", async () => {
    const before = emulator.control.requestLog().length;
    const refusing = new RequestFilteringHttpAgent();
    const error = await failure(
      client({ agents: { http: refusing }, retry: { ...FAST_RETRY, maxAttempts: 1 } }).listOwners(),
    );
    expect(error.code).toBe("network");
    expect(error.message).toMatch(/not allowed/i);
    expect(emulator.control.requestLog().length).toBe(before);
    const allowing = new RequestFilteringHttpAgent({ allowIPAddressList: ["127.0.0.1"] });
    expect(await client({ agents: { http: allowing } }).listOwners()).toHaveLength(3);
  });

  it("gives up at once on a destination the portal's outbound policy refuses, naming the base URL field", async () => {
    const before = emulator.control.requestLog().length;
    const guarded = createOutboundPolicy({}).agentsFor(emulator.baseUrl);
    const error = await failure(client({ agents: guarded }).listOwners());
    expect(error).toMatchObject({ code: "destination_refused", retryable: false, field: "threatConnectBaseUrl" });
    expect(error.message).toMatch(/a loopback address/);
    expect(emulator.control.requestLog().length).toBe(before);
  });
});

function credentialsOf(emulator: ThreatConnectEmulator) {
  return { baseUrl: emulator.baseUrl, accessId: emulator.accessId, secretKey: emulator.secretKey };
}

describe("servers that push back", () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith("/busy")) {
        response.writeHead(429, { "Retry-After": "7" }).end('{"status":"Error","message":"Slow down"}');
      } else if (request.url?.startsWith("/endless")) {
        const owner = { id: 1, name: "Org", type: "Organization" };
        const next = `http://${request.headers.host}/endless/api/v3/security/owners?page=${Math.random()}`;
        response.writeHead(200).end(JSON.stringify({ status: "Success", data: [owner], next }));
      } else {
        response.writeHead(404).end("Not Found");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (path: string) =>
    createThreatConnectClient({
      credentials: { baseUrl: `${baseUrl}${path}`, accessId: "1", secretKey: "k" },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });

  it("carries Retry-After on a 429 so the pipeline can wait as long as asked", async () => {
    expect(await failure(client("/busy").listOwners())).toMatchObject({
      code: "rate_limited",
      retryable: true,
      retryAfterMs: 7000,
      integration: "threatconnect",
    });
  });

  it("stops listing owners after a bounded number of pages", async () => {
    expect(await failure(client("/endless").listOwners())).toMatchObject({ code: "too_many_pages" });
  });
});
