import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntegrationError } from "@/server/errors";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import {
  createSentinelClient,
  createTokenClientCache,
  SentinelConfigError,
  testAzureConnection,
  type SentinelClientOptions,
  type SentinelConnection,
  type StixObject,
} from "./index";

let emulator: AzureEmulator;
let connection: SentinelConnection;
let options: SentinelClientOptions;

beforeAll(async () => {
  emulator = await startAzureEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.control.reset();
  connection = {
    cloud: "public",
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    workspaceId: emulator.workspaceId,
    api: "stix-objects",
  };
  // A cache per test, so each test counts its own token requests.
  options = {
    endpoints: { authorityHost: emulator.authorityHost, sentinelBaseUrl: emulator.sentinelBaseUrl },
    tokenClients: createTokenClientCache(),
    roleRetryDelayMs: 20,
  };
});

function indicator(index: number, overrides: Record<string, unknown> = {}): StixObject {
  return {
    type: "indicator",
    spec_version: "2.1",
    id: `indicator--00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
    pattern: `[ipv4-addr:value = '198.51.100.${index}']`,
    pattern_type: "stix",
    valid_from: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

const requestsTo = (suffix: string) => emulator.control.requests().filter((entry) => entry.path.endsWith(suffix));
const unprivileged = () => ({
  ...connection,
  clientId: emulator.unprivilegedClientId,
  clientSecret: emulator.unprivilegedClientSecret,
});

describe("a missing Sentinel Contributor role", () => {
  it.each([401, 403] as const)(
    "is classified from UnauthorizedAccess on %i, retried once after a pause, never as a token problem",
    async (status) => {
      emulator.control.setFaults({ missingRoleStatus: status });
      const error = await createSentinelClient(unprivileged(), options)
        .upload("ThreatConnect-Test", [indicator(1)])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SentinelConfigError);
      expect(error).toMatchObject({
        integration: "sentinel",
        code: "missing_sentinel_role",
        retryable: false,
        message: expect.stringContaining("Microsoft Sentinel Contributor"),
      });
      expect(requestsTo(":upload").map((entry) => entry.status)).toEqual([status, status]);
      expect(requestsTo("/token")).toHaveLength(1);
    },
  );

  it("succeeds when the refusal was transient and the delayed retry is accepted", async () => {
    emulator.control.setFaults({ missingRoleRate: 1, missingRoleStatus: 401 });
    // The assignment "arrives" as soon as the first upload has been refused.
    const roleArrives = (async () => {
      while (requestsTo(":upload").length === 0) await delay(5);
      emulator.control.setFaults({ missingRoleRate: 0 });
    })();
    const outcome = await createSentinelClient(connection, { ...options, roleRetryDelayMs: 200 }).upload(
      "ThreatConnect-Test",
      [indicator(1)],
    );
    await roleArrives;
    expect(outcome).toEqual({ accepted: 1, rejected: [] });
    expect(requestsTo(":upload").map((entry) => entry.status)).toEqual([401, 200]);
    expect(requestsTo("/token")).toHaveLength(1);
  });
});

describe("a batch whose every record is invalid, answered with HTTP 400", () => {
  it.each(["stix-objects", "legacy-indicators"] as const)("keeps every per-record reason (%s)", async (api) => {
    emulator.control.setFaults({ allInvalidStatus: 400 });
    const objects = [indicator(1, { pattern: "[broken" }), indicator(2, { valid_until: "2025-01-01T00:00:00.000Z" })];
    const outcome = await createSentinelClient({ ...connection, api }, options).upload("ThreatConnect-Test", objects);
    expect(outcome).toEqual({
      accepted: 0,
      rejected: [
        { index: 0, objectId: objects[0]?.id, messages: [expect.stringContaining("Property=pattern")] },
        { index: 1, objectId: objects[1]?.id, messages: [expect.stringContaining("Property=valid_until")] },
      ],
    });
    expect(requestsTo(":upload").map((entry) => entry.status)).toEqual([400]);
  });
});

describe("errors carry the IntegrationError fields callers read", () => {
  it("names the setting that is wrong", async () => {
    const cases: [Partial<SentinelConnection>, string, string][] = [
      [{ clientSecret: "wrong" }, "invalid_client_secret", "clientSecret"],
      [{ tenantId: "00000000-0000-4000-8000-00000000000a" }, "tenant_not_found", "tenantId"],
      [{ clientId: "00000000-0000-4000-8000-00000000000b" }, "client_not_found", "clientId"],
      [{ workspaceId: "00000000-0000-4000-8000-0000000000ff" }, "workspace_not_found", "workspaceId"],
    ];
    for (const [change, code, field] of cases) {
      const error = await createSentinelClient({ ...connection, ...change }, options)
        .upload("ThreatConnect-Test", [indicator(1)])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IntegrationError);
      expect(error).toMatchObject({ integration: "sentinel", code, field, retryable: false });
    }
    await expect(
      createSentinelClient(connection, options).upload("Microsoft Sentinel", [indicator(1)]),
    ).rejects.toMatchObject({ code: "invalid_sourcesystem", field: "sourceName" });
  });

  it("gives a throttled upload retryAfterMs from the documented message", async () => {
    emulator.control.setFaults({ throttleRate: 1 });
    const error = await createSentinelClient(connection, options)
      .upload("ThreatConnect-Test", [indicator(1)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({ integration: "sentinel", code: "throttled", retryable: true, retryAfterMs: 30_000 });
  });
});

describe("the Azure connection test", () => {
  it("reports a proven role only when the probe upload was accepted", async () => {
    const result = await testAzureConnection(connection, options);
    expect(result).toMatchObject({
      ok: true,
      detail: expect.stringContaining("holds the Microsoft Sentinel Contributor role"),
    });
  });

  it("says 'token OK, role not verified' when Sentinel refuses the probe before the role check", async () => {
    const result = await testAzureConnection(connection, {
      ...options,
      endpoints: { ...options.endpoints, stixApiVersion: "2020-01-01" },
    });
    expect(result).toEqual({
      ok: false,
      code: "role_not_verified",
      message: expect.stringMatching(/^Token OK, role not verified: .*api-version '2020-01-01' is invalid/),
    });
  });

  it("reports a missing role found on 401 as the role, not the token", async () => {
    emulator.control.setFaults({ missingRoleStatus: 401 });
    const result = await testAzureConnection(unprivileged(), options);
    expect(result).toMatchObject({ ok: false, code: "missing_sentinel_role" });
  });
});
