import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withResultStart } from "./api-routes";
import { expectedSignature } from "./hmac";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "./index";
import { isLoopbackAddress } from "./server";

const NOW = new Date("2026-03-10T12:00:00Z");

/** Signs with the emulator's own HMAC code, so these tests never lean on the product's signing. */
function signRequest(input: {
  accessId: string;
  secretKey: string;
  method: string;
  requestTarget: string;
  timestamp: number;
}) {
  const timestamp = String(input.timestamp);
  const signature = expectedSignature(input.secretKey, input.requestTarget, input.method, timestamp);
  return { Timestamp: timestamp, Authorization: `TC ${input.accessId}:${signature}` };
}

describe("emulator over HTTP", () => {
  let emulator: ThreatConnectEmulator;
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({
      indicators: 300,
      seed: 5,
      now: () => NOW,
    });
  });
  afterAll(() => emulator.close());

  async function api(target: string, method = "GET", options: { body?: string; signedTarget?: string } = {}) {
    const headers = signRequest({
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
      method,
      requestTarget: options.signedTarget ?? target,
      timestamp: NOW.getTime() / 1000,
    });
    if (options.body !== undefined) return getWithBody(target, headers, options.body);
    const response = await fetch(`${emulator.baseUrl}${target}`, { method, headers });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      text: "",
    };
  }

  /** fetch refuses a GET with a body, which is exactly what tcex sends for long queries. */
  function getWithBody(target: string, headers: Record<string, string>, body: string) {
    return new Promise<{ status: number; body: Record<string, unknown>; text: string }>((resolve, reject) => {
      const request = httpRequest(
        `${emulator.baseUrl}${target}`,
        {
          method: "GET",
          headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, text: "" }),
          );
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }

  async function control(path: string, method: string, body?: unknown) {
    const response = await fetch(`${emulator.baseUrl}/_emulator${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it("answers with absolute next/prev links that keep every other parameter byte for byte", async () => {
    const query =
      "tql=rating%20%3E%3D%201&fields=tags&fields=attributes&sorting=dateAdded%20DESC&resultStart=10&resultLimit=10&count=true";
    const { status, body } = await api(`/api/v3/indicators?${query}`);
    expect(status).toBe(200);
    expect(body.status).toBe("Success");
    expect(body.count).toBeUndefined();
    expect(body.next).toBe(
      `${emulator.baseUrl}/api/v3/indicators?${query.replace("resultStart=10", "resultStart=20")}`,
    );
    expect(body.prev).toBe(`${emulator.baseUrl}/api/v3/indicators?${query.replace("resultStart=10", "resultStart=0")}`);
    expect((body.data as unknown[]).length).toBe(10);
  });

  it("answers an empty match as an empty data array without links", async () => {
    expect((await api("/api/v3/indicators?tql=rating%20%3E%205&count=true")).body).toEqual({
      data: [],
      count: 0,
      status: "Success",
    });
  });

  it("writes ids above 2^53 as bare JSON numbers, as ThreatConnect does", async () => {
    const target = "/api/v3/indicators?tql=id%20%3E%209007199254740992&resultLimit=1";
    const headers = signRequest({
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
      method: "GET",
      requestTarget: target,
      timestamp: NOW.getTime() / 1000,
    });
    const text = await (await fetch(`${emulator.baseUrl}${target}`, { headers })).text();
    expect(text).toMatch(/"data":\[\{"id":9007199254\d{6,},"ownerId":\d/);
  });

  it("rejects bad parameters with ThreatConnect's status codes and error body", async () => {
    expect(await api("/api/v3/indicators?resultLimit=10001")).toEqual({
      status: 400,
      body: {
        status: "Error",
        message: "resultLimit must be an integer between 1 and 10000",
      },
      text: "",
    });
    expect((await api("/api/v3/indicators?fields=whoIs")).body.message).toContain("Invalid field 'whoIs'");
    expect((await api("/api/v3/indicators?sorting=color%20asc")).body.message).toContain(
      "Invalid sorting field 'color'",
    );
    expect((await api("/api/v3/indicators?owner=Nobody")).status).toBe(403);
    expect((await api("/api/v3/indicators/deleted?deletedSince=yesterday")).status).toBe(400);
    expect((await api("/api/v3/groups")).status).toBe(404);
    expect((await api("/api/v3/indicators", "POST")).status).toBe(405);
  });

  it("serves a single indicator by id or summary, and the TQL keyword list", async () => {
    const added = emulator.control.addIndicator({
      type: "Host",
      summary: "single.example",
      owner: "Demo Source",
    });
    const byId = await api(`/api/v3/indicators/${added.id}?fields=tags`);
    expect(byId.body.data).toMatchObject({ summary: "single.example", hostName: "single.example" });
    expect([{}, { count: 0 }]).toContainEqual((byId.body.data as { tags: unknown }).tags);
    const bySummary = await api("/api/v3/indicators/single.example?owner=Demo%20Source");
    expect(bySummary.body.data).toMatchObject({ type: "Host" });
    expect((await api("/api/v3/indicators/single.example")).status).toBe(404);
    const keywords = await api("/api/v3/indicators/tql", "OPTIONS");
    expect(keywords.body.data).toContainEqual({
      keyword: "typeName",
      name: "typeName",
      type: "String",
    });
  });

  it("hides inactive indicators unless the query asks about the active flag", async () => {
    const total = emulator.control.indicatorCount();
    const active = (await api("/api/v3/indicators?resultLimit=1&count=true")).body.count as number;
    const inactive = (await api("/api/v3/indicators?tql=indicatorActive%20%3D%20false&resultLimit=1&count=true")).body
      .count as number;
    expect(active + inactive).toBe(total);
    expect(inactive).toBeGreaterThan(0);
  });

  it("adds, modifies and deletes indicators through the HTTP control API", async () => {
    const created = await control("/indicators", "POST", {
      type: "URL",
      summary: "http://control.test/x",
      rating: 1,
      tags: ["New Tag"],
    });
    expect(created.status).toBe(201);
    const id = (created.body.data as { id: string }).id;
    const modified = await control(`/indicators/${id}`, "PATCH", {
      rating: 4,
      active: false,
    });
    expect(modified.body.data).toMatchObject({ id, active: false });
    expect(emulator.control.getIndicator(id)).toMatchObject({
      active: false,
      lastModified: "2026-03-10T12:00:00Z",
    });
    expect((await control(`/indicators/${id}`, "DELETE")).status).toBe(200);
    const deleted = await api("/api/v3/indicators/deleted?type=URL&deletedSince=2026-03-10");
    expect(deleted.body.data).toContainEqual({
      ownerName: "Demo Organization",
      dateAdded: "2026-03-10T12:00:00Z",
      type: "URL",
      summary: "http://control.test/x",
    });
  });

  it("explains invalid control requests by field", async () => {
    expect(await control("/indicators", "POST", { type: "Campaign", summary: "x" })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining("type:") },
    });
    expect((await control("/indicators", "POST", { type: "ASN", summary: "AS1" })).body.message).toBe(
      '"AS1" must be ASN followed by digits',
    );
    expect(
      (
        await control("/indicators", "POST", {
          type: "ASN",
          summary: "ASN1",
          rating: 9,
        })
      ).body.message,
    ).toMatch(/^rating:/);
    expect((await control("/indicators/1", "PATCH", { rating: 1 })).body.message).toBe("id: no indicator 1");
    expect((await control("/faults", "PUT", { errorRate: 2 })).body.message).toMatch(/^errorRate:/);
    expect(
      (
        await control("/api-users", "POST", {
          accessId: "a",
          secretKey: "b",
          owners: ["Nope"],
        })
      ).status,
    ).toBe(400);
    expect((await control("/nothing", "GET")).status).toBe(404);
    expect((await control("/indicators", "POST")).body.message).toMatch(/^body: .*expected object/);
  });

  it("lists deletions of the API user's Organization unless another owner is named, paged on request", async () => {
    const inSource = emulator.control.addIndicator({ type: "Host", summary: "gone.source.test", owner: "Demo Source" });
    const inOrganization = emulator.control.addIndicator({ type: "Host", summary: "gone.org.test" });
    emulator.control.deleteIndicator(inSource.id);
    emulator.control.deleteIndicator(inOrganization.id);
    const summaries = async (query: string) =>
      (
        (await api(`/api/v3/indicators/deleted?deletedSince=2026-03-10${query}`)).body.data as { summary: string }[]
      ).map((entry) => entry.summary);
    expect(await summaries("&type=Host")).toEqual(["gone.org.test"]);
    expect(await summaries("&type=Host&owner=Demo%20Source")).toEqual(["gone.source.test"]);
    const paged = await api("/api/v3/indicators/deleted?deletedSince=2026-03-10&resultLimit=1");
    expect((paged.body.data as unknown[]).length).toBe(1);
    expect(paged.body.next).toContain("resultStart=1");
  });

  it("takes GET parameters from a JSON body, signed over the path alone, as tcex sends long queries", async () => {
    const query = "tql=rating%20%3E%3D%203&fields=tags&fields=threatAssess&resultLimit=5&count=true";
    const fromQuery = await api(`/api/v3/indicators?${query}`);
    const body = JSON.stringify({
      data: { tql: "rating >= 3", fields: ["tags", "threatAssess"], resultLimit: 5, count: true },
    });
    const fromBody = await api("/api/v3/indicators", "GET", { body });
    expect(fromBody.status).toBe(200);
    expect(fromBody.body.data).toEqual(fromQuery.body.data);
    expect(fromBody.body.count).toBe(fromQuery.body.count);
    expect(new URL(fromBody.body.next as string).searchParams.get("tql")).toBe("rating >= 3");
    const signedWithQuery = await api("/api/v3/indicators", "GET", {
      body,
      signedTarget: `/api/v3/indicators?${query}`,
    });
    expect(signedWithQuery.body.message).toBe("Signature data did not match expected result");
    expect((await api("/api/v3/indicators", "GET", { body: '{"tql":"x"}' })).body.message).toContain('{"data": {...}}');
  });

  it("answers a bad signature with the configured status, 401 by default and 400 as real instances have", async () => {
    const forged = { signedTarget: "/api/v3/security/owners?x=1" };
    expect((await api("/api/v3/security/owners", "GET", forged)).status).toBe(401);
    emulator.control.setFaults({ badSignatureStatus: 400 });
    expect(await api("/api/v3/security/owners", "GET", forged)).toMatchObject({
      status: 400,
      body: { status: "Error", message: "Signature data did not match expected result" },
    });
    emulator.control.setFaults({ badSignatureStatus: 401 });
  });

  it("serves the shapes real pages hold: creators without ids, empty collections as {} or {count: 0}", async () => {
    const page = await api("/api/v3/indicators?fields=attributes&fields=associatedGroups&fields=tags&resultLimit=300");
    const indicators = page.body.data as Record<string, { data?: { createdBy?: { id?: number } }[]; count?: number }>[];
    const collections = indicators.flatMap((indicator) => [
      indicator.tags,
      indicator.attributes,
      indicator.associatedGroups,
    ]);
    expect(collections).toContainEqual({});
    expect(collections).toContainEqual({ count: 0 });
    const creators = indicators.flatMap((indicator) =>
      [...(indicator.attributes?.data ?? []), ...(indicator.associatedGroups?.data ?? [])].map(
        (item) => item.createdBy,
      ),
    );
    expect(creators.some((creator) => creator?.id === undefined)).toBe(true);
    expect(creators.some((creator) => creator?.id !== undefined)).toBe(true);
  });

  it("holds real types the product does not map, and serves an injected malformed indicator", async () => {
    const tql = encodeURIComponent(
      'typeName IN ("Mutex", "Hashtag", "User Agent") AND indicatorActive IN (true, false)',
    );
    const unmapped = await api(`/api/v3/indicators?tql=${tql}`);
    const items = unmapped.body.data as Record<string, unknown>[];
    expect(new Set(items.map((item) => item.type))).toEqual(new Set(["Mutex", "Hashtag", "User Agent"]));
    expect(items.find((item) => item.type === "Mutex")).toHaveProperty("Mutex");
    const [first] = (await api("/api/v3/indicators?resultLimit=1")).body.data as { id: number }[];
    emulator.control.setFaults({ malformedIndicatorIds: [String(first?.id)] });
    const [broken] = (await api("/api/v3/indicators?resultLimit=1")).body.data as { summary: unknown }[];
    expect(broken?.summary).toBeNull();
    emulator.control.setFaults({ malformedIndicatorIds: [] });
  });

  it("accepts real TQL keywords and operators and refuses `active`, which real TQL does not have", async () => {
    const tql = encodeURIComponent(
      'indicatorActive = true AND source IS NULL AND summary NOT LIKE "%zz%" AND typeName NOT IN ("CIDR") AND hasGroup(typeName = "Adversary")',
    );
    expect((await api(`/api/v3/indicators?tql=${tql}&resultLimit=1`)).status).toBe(200);
    const active = await api(`/api/v3/indicators?tql=${encodeURIComponent("active = true")}`);
    expect(active.status).toBe(400);
    expect(active.body.message).toContain("unknown keyword 'active'");
  });

  it("injects faults and resets to the seeded state over HTTP", async () => {
    await control("/faults", "PUT", { failNext: 1, errorStatus: 504 });
    expect((await api("/api/v3/security/owners")).status).toBe(504);
    expect((await api("/api/v3/security/owners")).status).toBe(200);
    await control("/faults", "PUT", { notLicensed: true });
    expect((await api("/api/v3/security/owners")).body.message).toContain("API access has not been licensed");
    expect((await control("/reset", "POST")).status).toBe(200);
    expect((await api("/api/v3/security/owners")).status).toBe(200);
    expect((await control("/state", "GET")).body.data).toMatchObject({
      indicators: 300,
      requests: 1,
    });
  });
});

describe("control API guards", () => {
  it("only loopback callers may use the control API", () => {
    expect(isLoopbackAddress("127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("::1")).toBe(true);
    expect(isLoopbackAddress("10.0.0.5")).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it("rewrites only resultStart in next links", () => {
    expect(withResultStart("tql=a%20b&resultStart=5&fields=tags", 15)).toBe("tql=a%20b&resultStart=15&fields=tags");
    expect(withResultStart("tql=resultStart%3D1", 10)).toBe("tql=resultStart%3D1&resultStart=10");
  });
});
