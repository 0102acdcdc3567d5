import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import {
  createSentinelClient,
  endpointsForCloud,
  SentinelAuthError,
  SentinelConfigError,
  SentinelRequestError,
  SentinelThrottledError,
  SentinelTransientError,
  testAzureConnection,
  type SentinelConnection,
  type StixObject,
} from "./index";
import { retryAfterMs } from "./upload-response";

let emulator: AzureEmulator;
let connection: SentinelConnection;
let endpoints: { authorityHost: string; sentinelBaseUrl: string };
let secretVersions = 0;

beforeAll(async () => {
  emulator = await startAzureEmulator({ port: 0 });
  endpoints = { authorityHost: emulator.authorityHost, sentinelBaseUrl: emulator.sentinelBaseUrl };
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.control.reset();
  // A fresh secret version gets a fresh msal application, so each test counts its own token requests.
  secretVersions += 1;
  connection = {
    cloud: "public",
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secretVersion: `v${secretVersions}`,
    workspaceId: emulator.workspaceId,
    api: "stix-objects",
  };
});

function indicator(index: number, overrides: Record<string, unknown> = {}): StixObject {
  return {
    type: "indicator",
    spec_version: "2.1",
    id: `indicator--00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
    pattern: `[ipv4-addr:value = '198.51.100.${index % 250}']`,
    pattern_type: "stix",
    pattern_version: "2.1",
    valid_from: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

const tokenRequests = () => emulator.control.requests().filter((entry) => entry.path.endsWith("/oauth2/v2.0/token"));
const uploadRequests = () => emulator.control.requests().filter((entry) => entry.path.endsWith(":upload"));

describe("tokens through msal-node", () => {
  it("acquires once and reuses msal's cached token across clients of the same connection", async () => {
    await createSentinelClient(connection, { endpoints }).upload("ThreatConnect-Test", [indicator(1)]);
    await createSentinelClient(connection, { endpoints }).upload("ThreatConnect-Test", [indicator(2)]);
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]).toMatchObject({ status: 200, scope: "https://management.azure.com/.default" });
    expect(uploadRequests()).toHaveLength(2);
  });

  it("lets msal fetch a new token once the cached one is near expiry", async () => {
    const shortLived = await startAzureEmulator({ port: 0, tokenLifetimeSeconds: 120 });
    try {
      const client = createSentinelClient(
        { ...connection, tenantId: shortLived.tenantId, workspaceId: shortLived.workspaceId },
        { endpoints: { authorityHost: shortLived.authorityHost, sentinelBaseUrl: shortLived.sentinelBaseUrl } },
      );
      await client.upload("ThreatConnect-Test", [indicator(1)]);
      await client.upload("ThreatConnect-Test", [indicator(2)]);
      // msal treats tokens within 300 s of expiry as expired, so a 120 s token is never reused.
      expect(shortLived.control.requests().filter((entry) => entry.path.endsWith("/token"))).toHaveLength(2);
    } finally {
      await shortLived.close();
    }
  });

  it.each([
    ["a wrong secret", { clientSecret: "not-the-secret" }, "invalid_client_secret", /AADSTS7000215/],
    ["an unknown tenant", { tenantId: "00000000-0000-4000-8000-00000000000a" }, "tenant_not_found", /AADSTS90002/],
    ["an unknown client id", { clientId: "00000000-0000-4000-8000-00000000000b" }, "client_not_found", /AADSTS700016/],
  ])("turns %s into a typed auth error without leaking the secret", async (_name, change, code, message) => {
    const upload = createSentinelClient({ ...connection, ...change }, { endpoints }).upload("ThreatConnect-Test", [
      indicator(1),
    ]);
    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SentinelAuthError);
    expect(error).toMatchObject({ code, retryable: false });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(emulator.clientSecret);
    expect(uploadRequests()).toHaveLength(0);
  });
});

describe("uploads", () => {
  it.each([1, 37, 100])("uploads %i objects in one request", async (count) => {
    const objects = Array.from({ length: count }, (_, index) => indicator(index));
    const outcome = await createSentinelClient(connection, { endpoints }).upload("ThreatConnect-Test", objects);
    expect(outcome).toEqual({ accepted: count, rejected: [] });
    expect(emulator.control.listObjects({ sourcesystem: "ThreatConnect-Test" })).toHaveLength(count);
    expect(uploadRequests()).toEqual([expect.objectContaining({ status: 200, objectCount: count })]);
  });

  it("refuses 101 objects and bad source names before sending anything", async () => {
    const client = createSentinelClient(connection, { endpoints });
    const tooMany = Array.from({ length: 101 }, (_, index) => indicator(index));
    await expect(client.upload("ThreatConnect-Test", tooMany)).rejects.toMatchObject({
      code: "too_many_objects",
      message: expect.stringContaining("at most 100"),
    });
    await expect(client.upload("Microsoft Sentinel", [indicator(1)])).rejects.toBeInstanceOf(SentinelRequestError);
    await expect(client.upload("x".repeat(257), [indicator(1)])).rejects.toThrow("sourcesystem: 257 characters");
    await expect(client.upload(" ", [indicator(1)])).rejects.toThrow("sourcesystem: must not be empty");
    expect(emulator.control.requests()).toHaveLength(0);
  });

  it("maps per-record rejections back to the objects sent", async () => {
    const objects = [
      indicator(0),
      indicator(1, { pattern: "[ipv4-addr:value = '1.2.3.4'" }),
      indicator(2),
      indicator(3, { valid_until: "2025-01-01T00:00:00.000Z" }),
      indicator(4, { confidence: 250 }),
    ];
    const outcome = await createSentinelClient(connection, { endpoints }).upload("ThreatConnect-Test", objects);
    expect(outcome.accepted).toBe(2);
    expect(outcome.rejected).toEqual([
      { index: 1, objectId: objects[1]?.id, messages: [expect.stringContaining("Property=pattern")] },
      { index: 3, objectId: objects[3]?.id, messages: [expect.stringContaining("Property=valid_until")] },
      { index: 4, objectId: objects[4]?.id, messages: [expect.stringContaining("Property=confidence")] },
    ]);
    expect(
      emulator.control
        .listObjects()
        .map((entry) => entry.object.id)
        .sort(),
    ).toEqual([objects[0]?.id, objects[2]?.id]);
  });

  it("sends STIX indicators to the legacy API under `indicators` and reads its errorMessages", async () => {
    const legacy = createSentinelClient({ ...connection, api: "legacy-indicators" }, { endpoints });
    const outcome = await legacy.upload("ThreatConnect-Legacy", [
      indicator(0),
      indicator(1, { pattern_type: undefined }),
    ]);
    expect(outcome).toEqual({
      accepted: 1,
      rejected: [{ index: 1, objectId: indicator(1).id, messages: [expect.stringContaining("Property=pattern_type")] }],
    });
    expect(uploadRequests()[0]?.path).toBe(`/workspaces/${emulator.workspaceId}/threatintelligenceindicators:upload`);
  });

  it("throws a typed throttle error with the wait parsed from the message under rapid calls", async () => {
    const client = createSentinelClient(connection, { endpoints });
    for (let request = 0; request < 100; request += 1) await client.upload("ThreatConnect-Test", []);
    const error = await client.upload("ThreatConnect-Test", [indicator(1)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SentinelThrottledError);
    expect(error).toMatchObject({ code: "throttled", retryable: true });
    const waitMs = (error as SentinelThrottledError).retryAfterMs;
    expect(waitMs).toBeGreaterThanOrEqual(55_000);
    expect(waitMs).toBeLessThanOrEqual(60_000);
  });

  it("prefers a Retry-After header when Sentinel sends one", async () => {
    emulator.control.setFaults({ throttleRate: 1, sendRetryAfterHeader: true });
    await expect(
      createSentinelClient(connection, { endpoints }).upload("ThreatConnect-Test", [indicator(1)]),
    ).rejects.toMatchObject({ retryAfterMs: 30_000 });
  });

  it("refreshes the token once on 401 and succeeds when the new token is accepted", async () => {
    const client = createSentinelClient(connection, { endpoints });
    await client.upload("ThreatConnect-Test", [indicator(1)]);
    // Outlive the cached token on the server only: msal still believes it is valid.
    emulator.control.advanceClock(2 * 3600 * 1000);
    const outcome = await client.upload("ThreatConnect-Test", [indicator(2)]);
    expect(outcome.accepted).toBe(1);
    expect(uploadRequests().map((entry) => entry.status)).toEqual([200, 401, 200]);
    expect(tokenRequests()).toHaveLength(2);
  });

  it("gives up with a typed auth error when the refreshed token is refused too", async () => {
    emulator.control.setFaults({ unauthorizedRate: 1 });
    const error = await createSentinelClient(connection, { endpoints })
      .upload("ThreatConnect-Test", [indicator(1)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SentinelAuthError);
    expect(error).toMatchObject({ code: "unauthorized" });
    expect(uploadRequests()).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(2);
  });

  it("explains a missing Sentinel role (403) and a wrong workspace id (404)", async () => {
    const unprivileged = {
      ...connection,
      clientId: emulator.unprivilegedClientId,
      clientSecret: emulator.unprivilegedClientSecret,
    };
    const forbidden = await createSentinelClient(unprivileged, { endpoints, roleRetryDelayMs: 10 })
      .upload("ThreatConnect-Test", [indicator(1)])
      .catch((caught: unknown) => caught);
    expect(forbidden).toBeInstanceOf(SentinelConfigError);
    expect(forbidden).toMatchObject({
      code: "missing_sentinel_role",
      message: expect.stringContaining("Microsoft Sentinel Contributor"),
    });
    const wrongWorkspace = { ...connection, workspaceId: "00000000-0000-4000-8000-0000000000ff" };
    const missing = await createSentinelClient(wrongWorkspace, { endpoints })
      .upload("ThreatConnect-Test", [indicator(1)])
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(SentinelConfigError);
    expect(missing).toMatchObject({ code: "workspace_not_found", message: expect.stringContaining("Workspace ID") });
  });

  it("passes a 400's message through as a request error", async () => {
    const error = await createSentinelClient(connection, { endpoints: { ...endpoints, stixApiVersion: "2020-01-01" } })
      .upload("ThreatConnect-Test", [indicator(1)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SentinelRequestError);
    expect((error as Error).message).toContain("The api-version '2020-01-01' is invalid");
  });

  it("treats 5xx, resets and timeouts as transient", async () => {
    const client = createSentinelClient(connection, { endpoints, timeoutMs: 200 });
    emulator.control.setFaults({ serverErrorRate: 1 });
    await expect(client.upload("ThreatConnect-Test", [indicator(1)])).rejects.toMatchObject({
      code: "server_error",
      status: 500,
      retryable: true,
    });
    emulator.control.setFaults({ serverErrorRate: 0, resetRate: 1 });
    await expect(client.upload("ThreatConnect-Test", [indicator(1)])).rejects.toMatchObject({
      code: "network",
      retryable: true,
    });
    emulator.control.setFaults({ resetRate: 0, latencyMs: 1_000 });
    const timeout = await client.upload("ThreatConnect-Test", [indicator(1)]).catch((caught: unknown) => caught);
    expect(timeout).toBeInstanceOf(SentinelTransientError);
    expect(timeout).toMatchObject({ code: "timeout" });
  });

  it("reports an untrusted certificate as configuration, not as a transient failure", async () => {
    const untrusted = await startAzureEmulator({ port: 0, tlsDir: ".data/sentinel-test-untrusted-ca" });
    try {
      const error = await createSentinelClient(connection, {
        endpoints: { authorityHost: untrusted.authorityHost, sentinelBaseUrl: untrusted.sentinelBaseUrl },
      })
        .upload("ThreatConnect-Test", [indicator(1)])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SentinelConfigError);
      expect(error).toMatchObject({ code: "tls_untrusted", message: expect.stringContaining("NODE_EXTRA_CA_CERTS") });
    } finally {
      await untrusted.close();
    }
  });
});

describe("US Government cloud", () => {
  it("defaults to the Fairfax authority, Sentinel host and ARM scope", () => {
    expect(endpointsForCloud("usgov")).toEqual({
      authorityHost: "https://login.microsoftonline.us",
      sentinelBaseUrl: "https://api.ti.sentinel.azure.us",
      legacyBaseUrl: undefined,
      scope: "https://management.usgovcloudapi.net/.default",
      stixApiVersion: "2024-02-01-preview",
      legacyApiVersion: "2022-07-01",
    });
  });

  it("requests the US Gov scope and uploads with the resulting token", async () => {
    const outcome = await createSentinelClient({ ...connection, cloud: "usgov" }, { endpoints }).upload(
      "ThreatConnect-Gov",
      [indicator(1)],
    );
    expect(outcome.accepted).toBe(1);
    expect(tokenRequests()[0]?.scope).toBe("https://management.usgovcloudapi.net/.default");
  });

  it("refuses the legacy API where no US Gov host is documented", async () => {
    const gov = endpointsForCloud("usgov", { authorityHost: emulator.authorityHost });
    const client = createSentinelClient(
      { ...connection, cloud: "usgov", api: "legacy-indicators" },
      { endpoints: { authorityHost: gov.authorityHost } },
    );
    await expect(client.upload("ThreatConnect-Gov", [indicator(1)])).rejects.toMatchObject({
      code: "legacy_api_unavailable",
    });
  });
});

describe("endpointsForCloud", () => {
  it("uses the documented public hosts and moves the legacy host with a sentinelBaseUrl override", () => {
    expect(endpointsForCloud("public")).toMatchObject({
      authorityHost: "https://login.microsoftonline.com",
      sentinelBaseUrl: "https://api.ti.sentinel.azure.com",
      legacyBaseUrl: "https://sentinelus.azure-api.net",
      scope: "https://management.azure.com/.default",
    });
    expect(endpointsForCloud("public", { sentinelBaseUrl: "https://127.0.0.1:8420/" })).toMatchObject({
      sentinelBaseUrl: "https://127.0.0.1:8420",
      legacyBaseUrl: "https://127.0.0.1:8420",
    });
  });
});

describe("retryAfterMs", () => {
  const now = new Date("2026-03-01T12:00:00.000Z");
  it("reads a Retry-After header in seconds or as a date", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "12" }), "", now)).toBe(12_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Sun, 01 Mar 2026 12:00:30 GMT" }), "", now)).toBe(30_000);
  });
  it("falls back to the message, then to 60 seconds", () => {
    expect(
      retryAfterMs(
        new Headers(),
        JSON.stringify({ statusCode: 429, message: "Rate limit is exceeded. Try again in 45 seconds." }),
        now,
      ),
    ).toBe(45_000);
    expect(retryAfterMs(new Headers(), "", now)).toBe(60_000);
    expect(retryAfterMs(new Headers(), '{"statusCode":429}', now)).toBe(60_000);
  });
});

describe("testAzureConnection", () => {
  it("reports OK for working settings without storing anything", async () => {
    const result = await testAzureConnection(connection, { endpoints });
    expect(result).toMatchObject({ ok: true });
    expect(emulator.control.listObjects()).toHaveLength(0);
  });

  it.each([
    ["a wrong secret", () => ({ clientSecret: "nope" }), "invalid_client_secret"],
    [
      "a missing role",
      () => ({ clientId: emulator.unprivilegedClientId, clientSecret: emulator.unprivilegedClientSecret }),
      "missing_sentinel_role",
    ],
    ["an unknown workspace", () => ({ workspaceId: "00000000-0000-4000-8000-0000000000ff" }), "workspace_not_found"],
  ])("reports %s with its code", async (_name, change, code) => {
    const result = await testAzureConnection({ ...connection, ...change() }, { endpoints, roleRetryDelayMs: 10 });
    expect(result).toMatchObject({ ok: false, code });
  });

  it("reports an unreachable authority as a failure, not a crash", async () => {
    const result = await testAzureConnection(connection, {
      endpoints: { authorityHost: "https://127.0.0.1:1", sentinelBaseUrl: emulator.sentinelBaseUrl },
    });
    expect(result).toMatchObject({ ok: false, code: "network" });
  });
});
