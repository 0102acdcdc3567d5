import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect/index";
import {
  createThreatConnectClient,
  testThreatConnectConnection,
  ThreatConnectError,
  type IndicatorQuery,
  type ThreatConnectClientOptions,
} from "./index";

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

function clientFor(emulator: ThreatConnectEmulator, overrides: Partial<ThreatConnectClientOptions> = {}) {
  return createThreatConnectClient({
    credentials: {
      baseUrl: emulator.baseUrl,
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
    },
    retry: FAST_RETRY,
    timeoutMs: 5000,
    ...overrides,
  });
}

async function collect(client: ReturnType<typeof createThreatConnectClient>, query: IndicatorQuery, pageSize = 100) {
  const pages = [];
  for await (const page of client.indicatorPages(query, { pageSize })) pages.push(page);
  return pages;
}

async function failure(promise: Promise<unknown>): Promise<ThreatConnectError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ThreatConnectError)) throw new Error(`expected a ThreatConnectError, got ${String(error)}`);
  return error;
}

describe("paging a large dataset", () => {
  let emulator: ThreatConnectEmulator;
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({
      indicators: 26_000,
      seed: 7,
    });
  });
  afterAll(() => emulator.close());

  it("walks 25,000+ indicators with next links, no gaps or duplicates, ids intact", async () => {
    const client = clientFor(emulator);
    const pages = await collect(client, { sortField: "lastModified", sortDirection: "ASC" }, 10_000);
    const ids = pages.flatMap((page) => page.indicators.map((indicator) => indicator.id));
    expect(pages[0]?.total).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(25_000);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.map((page) => page.resultStart)).toEqual([0, 10_000, 20_000]);
    const bigIds = ids.filter((id) => BigInt(id) > 2n ** 53n);
    expect(bigIds.length).toBeGreaterThan(500);
    for (const id of bigIds.slice(0, 50)) expect(emulator.control.getIndicator(id)?.id).toBe(id);
    const modified = pages.flatMap((page) => page.indicators.map((indicator) => indicator.lastModified));
    expect(modified).toEqual([...modified].sort());
  });

  it("sends user TQL, types, owners and the cursor as one query", async () => {
    const client = clientFor(emulator);
    const since = new Date("2020-01-01T00:00:00.999Z");
    const query: IndicatorQuery = {
      tql: 'rating >= 3 OR tag = "Phishing"',
      types: ["Host", "Email Subject"],
      owners: ["Demo Community", "Demo Source"],
      modifiedSince: since,
      sortField: "threatAssessScore",
      sortDirection: "DESC",
      fields: ["tags", "threatAssess"],
    };
    const indicators = (await collect(client, query, 500)).flatMap((page) => page.indicators);
    expect(indicators.length).toBe(await client.countIndicators(query));
    expect(indicators.length).toBeGreaterThan(100);
    for (const indicator of indicators) {
      expect(["Host", "Email Subject"]).toContain(indicator.type);
      expect(["Demo Community", "Demo Source"]).toContain(indicator.ownerName);
      const hasPhishing = indicator.tags?.data?.some((tag) => tag.name === "Phishing") ?? false;
      expect((indicator.rating ?? 0) >= 3 || hasPhishing).toBe(true);
    }
    const scores = indicators.map((indicator) => indicator.threatAssessScore ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const target = emulator.control.requestLog().at(-1)?.target ?? "";
    expect(decodeURIComponent(target)).toContain(
      '(rating >= 3 OR tag = "Phishing") AND typeName IN ("Host", "Email Subject") AND ownerName IN ("Demo Community", "Demo Source") AND lastModified >= "2020-01-01T00:00:00Z"',
    );
  });
});

describe("against a small, hand-made dataset", () => {
  let emulator: ThreatConnectEmulator;
  const now = new Date("2026-03-10T12:00:00Z");
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({
      indicators: 0,
      now: () => now,
    });
    const add = emulator.control.addIndicator;
    add({
      type: "Address",
      summary: "203.0.113.10",
      rating: 5,
      confidence: 90,
      tags: ["APT28"],
      id: "9007199254740993",
    });
    add({
      type: "Host",
      summary: "bad.example.com",
      rating: 2,
      owner: "Demo Community",
      tags: ["Phishing"],
    });
    add({
      type: "URL",
      summary: 'http://x.test/a"b\\c',
      owner: "Demo Source",
      threatAssessScore: 800,
    });
    add({
      type: "Registry Key",
      summary: 'HKEY_CURRENT_USER\\Run : "q\\v" : REG_SZ',
      confidence: 10,
    });
    add({ type: "Email Subject", summary: "Счёт №5 ‘urgent’", active: false });
    add({
      type: "File",
      summary: `${"AB".repeat(16)} : ${"CD".repeat(32)}`,
      attributes: [{ type: "Phase of Intrusion", value: "Delivery" }],
    });
  });
  afterAll(() => emulator.close());

  async function summaries(query: IndicatorQuery): Promise<string[]> {
    const pages = await collect(clientFor(emulator, { now: () => now }), query, 2);
    return pages.flatMap((page) => page.indicators.map((indicator) => indicator.summary)).sort();
  }

  it.each([
    ['summary = "http://x.test/a\\"b\\\\c"', ['http://x.test/a"b\\c']],
    ["summary CONTAINS '\"q\\\\v\"'", ['HKEY_CURRENT_USER\\Run : "q\\v" : REG_SZ']],
    ['summary LIKE "%example%" OR summary STARTSWITH "203."', ["203.0.113.10", "bad.example.com"]],
    ['summary ENDSWITH ".COM"', ["bad.example.com"]],
    ['typeName IN ("Address", "File") AND NOT rating < 5', ["203.0.113.10", `${"AB".repeat(16)} : ${"CD".repeat(32)}`]],
    [
      "confidence <= 10 or threatAssessScore > 700",
      ['HKEY_CURRENT_USER\\Run : "q\\v" : REG_SZ', 'http://x.test/a"b\\c'],
    ],
    ['hasTag(name = "phishing") OR tag = "apt28"', ["203.0.113.10", "bad.example.com"]],
    ['ownerName != "Demo Organization"', ['http://x.test/a"b\\c', "bad.example.com"]],
    ["rating IS NULL AND confidence IS NULL", [`${"AB".repeat(16)} : ${"CD".repeat(32)}`, 'http://x.test/a"b\\c']],
    [
      'dateAdded >= "NOW() - 1 HOURS" AND lastModified = "2026-03-10"',
      [
        `${"AB".repeat(16)} : ${"CD".repeat(32)}`,
        "203.0.113.10",
        'HKEY_CURRENT_USER\\Run : "q\\v" : REG_SZ',
        'http://x.test/a"b\\c',
        "bad.example.com",
      ],
    ],
    ["indicatorActive = false", ["Счёт №5 ‘urgent’"]],
    ['summary = "Счёт №5 ‘urgent’" AND indicatorActive = false', ["Счёт №5 ‘urgent’"]],
    ["id = 9007199254740993", ["203.0.113.10"]],
  ])("TQL %s", async (tql, expected) => {
    expect(await summaries({ tql })).toEqual([...expected].sort());
  });

  it("selects a single owner with ThreatConnect's owner parameter", async () => {
    expect(await summaries({ owners: ["Demo Community"] })).toEqual(["bad.example.com"]);
    expect(emulator.control.requestLog().at(-1)?.target).toContain("owner=Demo%20Community");
  });

  it("expands fields with every id as a string and the type's own value keys", async () => {
    const [page] = await collect(clientFor(emulator, { now: () => now }), {
      tql: "id = 9007199254740993",
      fields: ["tags", "attributes", "associatedGroups", "threatAssess", "securityLabels"],
    });
    const indicator = page?.indicators[0];
    expect(indicator).toMatchObject({
      id: "9007199254740993",
      ownerId: "1",
      ip: "203.0.113.10",
      rating: 5,
      confidence: 90,
    });
    expect(indicator?.tags?.data?.[0]).toMatchObject({
      id: "14",
      name: "APT28",
    });
    expect(indicator?.webLink).toBe(`${emulator.baseUrl}/#/details/indicators/9007199254740993/overview`);
    const [filePage] = await collect(clientFor(emulator, { now: () => now }), {
      types: ["File"],
      fields: ["attributes"],
    });
    const file = filePage?.indicators[0];
    expect(file).toMatchObject({
      md5: "AB".repeat(16),
      sha256: "CD".repeat(64 / 2),
    });
    expect(file?.attributes?.data?.[0]).toMatchObject({
      type: "Phase of Intrusion",
      value: "Delivery",
    });
    expect(typeof file?.attributes?.data?.[0]?.id).toBe("string");
  });

  it("counts matches for a Validate button and reports ThreatConnect's TQL error", async () => {
    const client = clientFor(emulator, { now: () => now });
    expect(await client.countIndicators({ tql: "rating >= 2" })).toBe(2);
    const error = await failure(client.countIndicators({ tql: "ratng >= 2" }));
    expect(error).toMatchObject({
      code: "invalid_tql",
      status: 400,
      retryable: false,
    });
    expect(error.message).toContain("position 1: unknown keyword 'ratng'");
  });

  it("lists the owners the API user may query", async () => {
    expect(await clientFor(emulator, { now: () => now }).listOwners()).toEqual([
      { id: "1", name: "Demo Organization", type: "Organization" },
      { id: "2", name: "Demo Source", type: "Source" },
      { id: "3", name: "Demo Community", type: "Community" },
    ]);
  });

  it("reports deleted indicators and picks up modifications through the lastModified cursor", async () => {
    const client = clientFor(emulator, { now: () => now });
    const added = emulator.control.addIndicator({
      type: "ASN",
      summary: "ASN64512",
    });
    emulator.control.deleteIndicator(added.id);
    expect(
      await client.deletedIndicators({
        owner: "Demo Organization",
        since: new Date("2026-03-10T00:00:00Z"),
        type: "ASN",
      }),
    ).toEqual([
      {
        ownerName: "Demo Organization",
        type: "ASN",
        summary: "ASN64512",
        dateAdded: "2026-03-10T12:00:00Z",
      },
    ]);
    expect(
      await client.deletedIndicators({
        owner: "Demo Organization",
        since: new Date("2026-03-11T00:00:00Z"),
      }),
    ).toEqual([]);
  });
});

describe("error paths", () => {
  let emulator: ThreatConnectEmulator;
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({ indicators: 50, seed: 3 });
  });
  afterAll(() => emulator.close());

  function credentials(
    overrides: Partial<{
      accessId: string;
      secretKey: string;
      baseUrl: string;
    }> = {},
  ) {
    return {
      baseUrl: emulator.baseUrl,
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
      ...overrides,
    };
  }

  it("a wrong secret is an auth error that never echoes the secret", async () => {
    const error = await failure(
      createThreatConnectClient({
        credentials: credentials({ secretKey: "s3cr3t-wrong" }),
      }).listOwners(),
    );
    expect(error).toMatchObject({
      code: "auth",
      status: 401,
      retryable: false,
    });
    expect(error.message).toContain("Signature data did not match expected result");
    expect(error.message).not.toContain("s3cr3t-wrong");
  });

  it("an unknown access id is an auth error", async () => {
    const error = await failure(
      createThreatConnectClient({
        credentials: credentials({ accessId: "99999999999999999999" }),
      }).listOwners(),
    );
    expect(error).toMatchObject({ code: "auth", status: 401 });
    expect(error.message).toContain("Access Denied");
  });

  it("a clock more than five minutes off is a clock_skew error", async () => {
    const skewed = createThreatConnectClient({
      credentials: credentials(),
      now: () => new Date(Date.now() - 6 * 60_000),
    });
    const error = await failure(skewed.listOwners());
    expect(error).toMatchObject({ code: "clock_skew", status: 401 });
    expect(error.message).toContain("within 5 minutes");
  });

  it("an owner the API user cannot read is a permission error, alone or among several", async () => {
    emulator.control.addApiUser({
      accessId: "20000000000000000002",
      secretKey: "limited-key",
      owners: ["Demo Organization"],
    });
    const limited = createThreatConnectClient({
      credentials: credentials({
        accessId: "20000000000000000002",
        secretKey: "limited-key",
      }),
    });
    expect((await limited.listOwners()).map((owner) => owner.name)).toEqual(["Demo Organization"]);
    const single = await failure(collect(limited, { owners: ["Demo Community"] }));
    expect(single).toMatchObject({ code: "permission", status: 403 });
    expect(single.message).toContain('Owner "Demo Community" does not exist');
    const several = await failure(collect(limited, { owners: ["Demo Organization", "Demo Source"] }));
    expect(several).toMatchObject({ code: "permission" });
    expect(several.message).toContain('"Demo Source"');
  });

  it("an unlicensed API is a not_licensed error and is not retried", async () => {
    emulator.control.setFaults({ notLicensed: true });
    const before = emulator.control.requestLog().length;
    const error = await failure(clientFor(emulator).listOwners());
    emulator.control.setFaults({ notLicensed: false });
    expect(error).toMatchObject({
      code: "not_licensed",
      status: 503,
      retryable: false,
    });
    expect(emulator.control.requestLog().length - before).toBe(1);
  });

  it("retries transient 5xx and connection resets, then succeeds", async () => {
    emulator.control.setFaults({ failNext: 1, resetNext: 1, errorStatus: 502 });
    const before = emulator.control.requestLog().length;
    const owners = await clientFor(emulator).listOwners();
    expect(owners).toHaveLength(3);
    expect(
      emulator.control
        .requestLog()
        .slice(before)
        .map((entry) => entry.status),
    ).toEqual([0, 502, 200]);
  });

  it("retries a 429 like a transient failure", async () => {
    emulator.control.setFaults({ failNext: 1, errorStatus: 429 });
    expect(await clientFor(emulator).listOwners()).toHaveLength(3);
    emulator.control.setFaults({ errorStatus: 500 });
  });

  it("stops retrying and rethrows the reason when the caller aborts", async () => {
    emulator.control.setFaults({ failNext: 100 });
    const controller = new AbortController();
    const slowRetry = {
      maxAttempts: 50,
      baseDelayMs: 10_000,
      maxDelayMs: 10_000,
    };
    const pages = clientFor(emulator, { retry: slowRetry }).indicatorPages({}, { signal: controller.signal });
    const pending = pages[Symbol.asyncIterator]().next();
    setImmediate(() => controller.abort(new Error("sync cancelled")));
    await expect(pending).rejects.toThrow("sync cancelled");
    emulator.control.setFaults({ failNext: 0 });
  });

  it("gives up after maxAttempts with the last transient error", async () => {
    emulator.control.setFaults({ failNext: 5, errorStatus: 500 });
    const before = emulator.control.requestLog().length;
    const error = await failure(clientFor(emulator).listOwners());
    emulator.control.setFaults({ failNext: 0 });
    expect(error).toMatchObject({
      code: "transient",
      status: 500,
      retryable: true,
    });
    expect(emulator.control.requestLog().length - before).toBe(FAST_RETRY.maxAttempts);
  });

  it("survives a random 5xx rate while paging", async () => {
    emulator.control.setFaults({ errorRate: 0.3 });
    const client = clientFor(emulator, {
      retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const pages = await collect(client, {}, 5);
    emulator.control.setFaults({ errorRate: 0 });
    expect(pages.reduce((sum, page) => sum + page.indicators.length, 0)).toBe(pages[0]?.total);
  });

  it("times out a server that stops answering", async () => {
    emulator.control.setFaults({ latencyMs: 10_000 });
    const error = await failure(
      clientFor(emulator, {
        timeoutMs: 150,
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      }).listOwners(),
    );
    emulator.control.setFaults({ latencyMs: 0 });
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect(error.message).toContain("no progress for 150 ms");
  });

  it("reports a refused connection as a network error", async () => {
    const closed = await startThreatConnectEmulator({ indicators: 0 });
    await closed.close();
    const error = await failure(
      clientFor(closed, {
        retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }).listOwners(),
    );
    expect(error).toMatchObject({ code: "network" });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("rejects page sizes, sort fields and base URLs ThreatConnect would not accept", async () => {
    const client = clientFor(emulator);
    await expect(collect(client, {}, 10_001)).rejects.toThrow(
      "pageSize must be an integer from 1 to 10000 (got 10001)",
    );
    await expect(collect(client, { sortField: "color" as never })).rejects.toThrow('sortField: "color" is not one of');
    await expect(collect(client, { types: ["Mutex" as never] })).rejects.toThrow('types: "Mutex" is not a supported');
    expect(() =>
      createThreatConnectClient({
        credentials: credentials({ baseUrl: "ftp://tc" }),
      }),
    ).toThrow("Base URL must start with https://");
    expect(() =>
      createThreatConnectClient({
        credentials: credentials({ baseUrl: "not a url" }),
      }),
    ).toThrow('"not a url" is not a valid URL');
  });

  it("rejects other malformed queries and empty credentials before calling ThreatConnect", async () => {
    const client = clientFor(emulator);
    await expect(collect(client, { sortField: "rating", sortDirection: "UP" as never })).rejects.toThrow(
      'sortDirection: must be "ASC" or "DESC" (got "UP")',
    );
    await expect(collect(client, { fields: ["whoIs" as never] })).rejects.toThrow('fields: "whoIs" is not one of');
    await expect(collect(client, { owners: [" "] })).rejects.toThrow("owners: owner names must not be empty");
    await expect(client.deletedIndicators({ owner: "Demo Organization", since: new Date("x") })).rejects.toThrow(
      "since: not a valid date",
    );
    await expect(client.deletedIndicators({ owner: " ", since: new Date() })).rejects.toThrow("owner: the owner");
    expect(() =>
      createThreatConnectClient({
        credentials: credentials({ accessId: " " }),
      }),
    ).toThrow("Access ID is empty");
    expect(() =>
      createThreatConnectClient({
        credentials: credentials({ secretKey: "" }),
      }),
    ).toThrow("Secret Key is empty");
  });

  it("accepts base URLs with a trailing slash or ThreatConnect's /api suffix", async () => {
    for (const baseUrl of [`${emulator.baseUrl}/`, `${emulator.baseUrl}/api`, `${emulator.baseUrl}/api/`]) {
      expect(
        await createThreatConnectClient({
          credentials: credentials({ baseUrl }),
        }).listOwners(),
      ).toHaveLength(3);
    }
  });
});

describe("servers that are not ThreatConnect", () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith("/html")) {
        response.writeHead(200, { "Content-Type": "text/html" }).end("<html>login</html>");
      } else if (request.url?.startsWith("/shape")) {
        response.writeHead(200).end('{"status":"Success","data":[{"id":1,"name":"x","type":"Planet"}]}');
      } else if (request.url?.startsWith("/cut")) {
        response.writeHead(200, { "Content-Length": "1000" });
        response.write('{"status":"Success","data":[');
        setImmediate(() => response.destroy());
      } else if (request.url?.startsWith("/elsewhere") || request.url?.startsWith("/garbled")) {
        const next = request.url.startsWith("/garbled") ? "http://[" : "https://evil.test/steal?resultStart=1";
        const owner = { id: 1, name: "Org", type: "Organization" };
        response.writeHead(200).end(JSON.stringify({ status: "Success", data: [owner], next }));
      } else if (request.url?.startsWith("/nocount")) {
        response.writeHead(200).end('{"status":"Success","data":[]}');
      } else if (request.url?.startsWith("/loop")) {
        response
          .writeHead(200)
          .end('{"status":"Success","data":[],"next":"http://elsewhere.test/loop/api/v3/security/owners"}');
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
      credentials: {
        baseUrl: `${baseUrl}${path}`,
        accessId: "1",
        secretKey: "k",
      },
      retry: FAST_RETRY,
    });

  it("flags a non-JSON answer, a wrong shape and a 404 precisely", async () => {
    expect(await failure(client("/html").listOwners())).toMatchObject({
      code: "bad_response",
    });
    const shape = await failure(client("/shape").listOwners());
    expect(shape.code).toBe("bad_response");
    expect(shape.message).toContain("data.0.type");
    expect(await failure(client("/nothing").listOwners())).toMatchObject({
      code: "not_found",
      status: 404,
    });
  });

  it("treats a body cut off mid-response as a retryable network error", async () => {
    expect(await failure(client("/cut").listOwners())).toMatchObject({
      code: "network",
      retryable: true,
    });
  });

  it("flags a count query answered without a count", async () => {
    expect((await failure(client("/nocount").countIndicators({}))).message).toBe(
      "ThreatConnect did not return a count for the query",
    );
  });

  it("refuses next links that leave the API path or cannot be parsed", async () => {
    const elsewhere = await failure(client("/elsewhere").listOwners());
    expect(elsewhere).toMatchObject({ code: "bad_response" });
    expect(elsewhere.message).toContain("unexpected path: /steal");
    expect((await failure(client("/garbled").listOwners())).message).toContain("unusable next link");
  });

  it("stops at an empty page even when a next link is present", async () => {
    expect(await client("/loop").listOwners()).toEqual([]);
  });
});

describe("testThreatConnectConnection", () => {
  let emulator: ThreatConnectEmulator;
  beforeAll(async () => {
    emulator = await startThreatConnectEmulator({ indicators: 0 });
  });
  afterAll(() => emulator.close());

  it("reports the organization and owners, or throws the precise failure", async () => {
    const good = {
      baseUrl: emulator.baseUrl,
      accessId: emulator.accessId,
      secretKey: emulator.secretKey,
    };
    expect(await testThreatConnectConnection(good)).toMatchObject({
      ok: true,
      organization: "Demo Organization",
    });
    expect(await failure(testThreatConnectConnection({ ...good, secretKey: "nope" }))).toMatchObject({
      code: "auth",
    });
    expect(await failure(testThreatConnectConnection({ ...good, baseUrl: "nope" }))).toMatchObject({
      code: "bad_request",
      field: "threatConnectBaseUrl",
      message: 'Base URL "nope" is not a valid URL',
    });
    emulator.control.addApiUser({
      accessId: "30000000000000000003",
      secretKey: "k",
      owners: ["Demo Source"],
    });
    expect(
      await failure(
        testThreatConnectConnection({
          ...good,
          accessId: "30000000000000000003",
          secretKey: "k",
        }),
      ),
    ).toMatchObject({ code: "bad_response" });
  });

  it("gives up on a server that answers too slowly as a whole, not only per attempt", async () => {
    emulator.control.setFaults({ latencyMs: 2000 });
    const credentials = { baseUrl: emulator.baseUrl, accessId: emulator.accessId, secretKey: emulator.secretKey };
    const error = await failure(testThreatConnectConnection(credentials, { deadlineMs: 300 })).finally(() =>
      emulator.control.setFaults({ latencyMs: 0 }),
    );
    expect(error).toMatchObject({ code: "timeout" });
    expect(error.message).toContain("300 ms");
  });
});
