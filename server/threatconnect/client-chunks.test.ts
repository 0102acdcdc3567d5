import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThreatConnectClient, ThreatConnectError } from "./index";

const indicator = (id: number | string) => ({
  id,
  ownerId: 1,
  ownerName: "Demo Organization",
  type: "Host",
  summary: `host-${id}.example`,
  dateAdded: "2024-01-01T00:00:00Z",
  lastModified: "2024-01-02T00:00:00Z",
});
/** The id spliced in as raw digits: a number above 2^53 would already be rounded in JavaScript. */
const item = (id: string) => JSON.stringify(indicator(0)).replace('"id":0', `"id":${id}`);

/** Bodies as a ThreatConnect (or something in front of it) might send them, keyed by the base URL's path. */
const BODIES: Record<string, string> = {
  "/mixed": `{"status":"Success","count":6,"next":"/mixed/api/v3/indicators?resultStart=6","data":[${[
    item("1"),
    '{"id":2,"summary":"broken" "type":"Host"}',
    item("3"),
    JSON.stringify({ ...indicator(4), summary: 17 }),
    item("5"),
    item("9007199254740993"),
  ].join(",")}]}`,
  // JSON can carry a NUL as \u0000; Postgres can store it in neither text nor jsonb.
  "/nul": `{"status":"Success","data":[${[
    JSON.stringify({ ...indicator(1), tags: { data: [{ name: "ok" }, { name: "bad\u0000tag" }] } }),
    item("2"),
    JSON.stringify({ ...indicator(3), summary: "host\u0000.example" }),
  ].join(",")}]}`,
  "/truncated": `{"status":"Success","data":[${item("1")},${item("2").slice(0, 40)}`,
  "/no-data": '{"status":"Success","count":0}',
  "/html": "<html><body>Sign in</body></html>",
  "/failed": `{"status":"Failure","data":[${item("1")}]}`,
};

describe("reading indicator pages a chunk at a time", () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = BODIES[new URL(request.url ?? "/", "http://x").pathname.replace(/\/api\/v3\/indicators$/, "")];
      response.writeHead(body === undefined ? 404 : 200, { "Content-Type": "application/json" });
      response.end(body ?? '{"message":"no such path"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (path: string) =>
    createThreatConnectClient({
      credentials: { baseUrl: `${baseUrl}${path}`, accessId: "1", secretKey: "k" },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });

  async function failure(promise: Promise<unknown>): Promise<ThreatConnectError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof ThreatConnectError)) throw new Error(`expected a ThreatConnectError, got ${String(error)}`);
    return error;
  }

  it("yields chunks of the asked size, each malformed item a reject of its own and ids exact", async () => {
    const page = await client("/mixed").indicatorPageChunks({}, { pageSize: 6 });
    expect(page).toMatchObject({ size: 6, total: 6, resultStart: 0 });
    expect(page.next).toBe(`${baseUrl}/mixed/api/v3/indicators?resultStart=6`);
    const chunks = [...page.chunks(2)];
    expect(chunks.map((chunk) => chunk.indicators.map((one) => one.id))).toEqual([
      ["1"],
      ["3"],
      ["5", "9007199254740993"],
    ]);
    expect(chunks.map((chunk) => chunk.rejected.length)).toEqual([1, 1, 0]);
    expect(chunks[0]?.rejected[0]).toMatchObject({ field: "indicator" });
    expect(chunks[0]?.rejected[0]?.reason).toMatch(/^not valid JSON/);
    expect(chunks[1]?.rejected[0]).toMatchObject({ id: "4", field: "summary" });
  });

  it("rejects an indicator holding a NUL anywhere, naming the field, with the names in its error storable", async () => {
    const page = await client("/nul").indicatorPage({});
    expect(page.indicators.map((one) => one.id)).toEqual(["2"]);
    expect(page.rejected).toEqual([
      expect.objectContaining({ id: "1", field: "tags.data.1.name", reason: expect.stringContaining("NUL") }),
      expect.objectContaining({ id: "3", field: "summary", summary: "host\uFFFD.example" }),
    ]);
  });

  it("gives indicatorPage the same indicators and rejects in one piece", async () => {
    const page = await client("/mixed").indicatorPage({}, { pageSize: 6 });
    expect(page.indicators.map((one) => one.id)).toEqual(["1", "3", "5", "9007199254740993"]);
    expect(page.rejected.map((one) => one.field).sort()).toEqual(["indicator", "summary"]);
    expect(page.next).toBe(`${baseUrl}/mixed/api/v3/indicators?resultStart=6`);
  });

  it("fails the page, not an item, when the body is truncated, not JSON, without data or not a success", async () => {
    const truncated = await failure(client("/truncated").indicatorPageChunks({}));
    expect(truncated).toMatchObject({ code: "bad_response" });
    expect(truncated.message).toContain("not JSON");
    expect(await failure(client("/html").indicatorPageChunks({}))).toMatchObject({ code: "bad_response" });
    const noData = await failure(client("/no-data").indicatorPageChunks({}));
    expect(noData).toMatchObject({ code: "bad_response" });
    expect(noData.message).toContain("data:");
    const failed = await failure(client("/failed").indicatorPage({}));
    expect(failed.message).toContain("status:");
    expect(await failure(client("/elsewhere").indicatorPage({}))).toMatchObject({ code: "not_found", status: 404 });
  });
});
