import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureEmulator, type AzureEmulator } from "./index";

let emulator: AzureEmulator;
let clock = new Date("2026-03-01T12:00:00.000Z");

beforeAll(async () => {
  emulator = await startAzureEmulator({ port: 0, now: () => clock, minuteMs: 60_000 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  clock = new Date("2026-03-01T12:00:00.000Z");
  emulator.control.reset();
});

function indicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "indicator",
    spec_version: "2.1",
    id: "indicator--0b0c6c36-2a1a-4f0e-9a0e-7b6a4f3c1d20",
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: "stix",
    valid_from: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

async function token(
  clientId = emulator.clientId,
  clientSecret = emulator.clientSecret,
  tenantId = emulator.tenantId,
  scope = "https://management.azure.com/.default",
) {
  const response = await fetch(`${emulator.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function upload(
  body: unknown,
  options: { accessToken?: string; workspaceId?: string; api?: "stix" | "legacy"; apiVersion?: string } = {},
) {
  const accessToken = options.accessToken ?? String((await token()).body.access_token);
  const api = options.api ?? "stix";
  const path = api === "stix" ? "threat-intelligence-stix-objects:upload" : "threatintelligenceindicators:upload";
  const apiVersion = options.apiVersion ?? (api === "stix" ? "2024-02-01-preview" : "2022-07-01");
  const response = await fetch(
    `${emulator.sentinelBaseUrl}/workspaces/${options.workspaceId ?? emulator.workspaceId}/${path}?api-version=${apiVersion}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

describe("TLS trust through NODE_EXTRA_CA_CERTS", () => {
  it("is inherited by test workers, so plain fetch trusts the emulator", async () => {
    const trusted = await readFile(process.env.NODE_EXTRA_CA_CERTS ?? "", "utf8");
    expect(trusted).toContain((await readFile(emulator.caPath, "utf8")).trim());
    const response = await fetch(
      `${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
  });
});

describe("Entra ID", () => {
  it("serves the discovery documents msal reads", async () => {
    const config = (await (
      await fetch(`${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(config.token_endpoint).toBe(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`);
    const instance = (await (
      await fetch(`${emulator.authorityHost}/common/discovery/instance?api-version=1.1`)
    ).json()) as { metadata: unknown[] };
    expect(instance.metadata).toHaveLength(1);
    const keys = (await (await fetch(config.jwks_uri ?? "")).json()) as { keys: { kid: string }[] };
    expect(keys.keys[0]?.kid).toBeTruthy();
  });

  it("issues a signed token with audience, tenant, app and expiry", async () => {
    const { status, body } = await token();
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    const [, payload] = String(body.access_token).split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      aud: "https://management.azure.com/",
      tid: emulator.tenantId,
      appid: emulator.clientId,
    });
    expect(claims.exp).toBe(Math.floor(clock.getTime() / 1000) + 3599);
  });

  it.each([
    ["wrong secret", () => token(emulator.clientId, "nope"), 401, "invalid_client", 7000215],
    ["unknown client", () => token("00000000-0000-4000-8000-000000000009"), 400, "unauthorized_client", 700016],
    [
      "unknown tenant",
      () => token(emulator.clientId, emulator.clientSecret, "00000000-0000-4000-8000-00000000000a"),
      400,
      "invalid_tenant",
      90002,
    ],
    [
      "unknown resource",
      () => token(emulator.clientId, emulator.clientSecret, emulator.tenantId, "https://graph.example/.default"),
      400,
      "invalid_resource",
      500011,
    ],
    [
      "scope without /.default",
      () =>
        token(
          emulator.clientId,
          emulator.clientSecret,
          emulator.tenantId,
          "https://management.azure.com/user_impersonation",
        ),
      400,
      "invalid_scope",
      1002012,
    ],
  ])("refuses a %s with an AADSTS error", async (_name, request, status, error, code) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error, error_codes: [code] });
    expect(String(response.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it("answers an unknown tenant's discovery document with AADSTS90002", async () => {
    const response = await fetch(
      `${emulator.authorityHost}/00000000-0000-4000-8000-00000000000a/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("AADSTS90002");
  });
});

describe("Sentinel upload", () => {
  it("stores valid objects and answers 200 with an empty body", async () => {
    const response = await upload({ sourcesystem: "ThreatConnect-Test", stixobjects: [indicator()] });
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    expect(emulator.control.counts()).toEqual([
      { workspaceId: emulator.workspaceId, sourcesystem: "ThreatConnect-Test", objects: 1, revoked: 0 },
    ]);
  });

  it("replaces an object re-uploaded under the same source, keeps another source's copy, and counts revoked", async () => {
    await upload({ sourcesystem: "ThreatConnect-A", stixobjects: [indicator({ name: "first" })] });
    await upload({ sourcesystem: "ThreatConnect-A", stixobjects: [indicator({ name: "second", revoked: true })] });
    await upload({ sourcesystem: "ThreatConnect-B", stixobjects: [indicator({ name: "other source" })] });
    const stored = emulator.control.listObjects({ sourcesystem: "ThreatConnect-A" });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ revision: 2, object: { name: "second", revoked: true } });
    expect(emulator.control.counts()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sourcesystem: "ThreatConnect-A", objects: 1, revoked: 1 }),
        expect.objectContaining({ sourcesystem: "ThreatConnect-B", objects: 1, revoked: 0 }),
      ]),
    );
  });

  it("reports each invalid record by index and stores only the valid ones", async () => {
    const response = await upload({
      sourcesystem: "ThreatConnect-Test",
      stixobjects: [
        indicator(),
        indicator({ id: undefined }),
        indicator({ id: "indicator--a1b2c3d4-0000-4000-8000-000000000001", pattern: "[ipv4-addr:value = 1.2.3.4" }),
        indicator({ id: "indicator--a1b2c3d4-0000-4000-8000-000000000002", valid_until: "2025-01-01T00:00:00Z" }),
        indicator({ id: "indicator--a1b2c3d4-0000-4000-8000-000000000003", confidence: 101 }),
        indicator({ id: "attack-pattern--a1b2c3d4-0000-4000-8000-000000000004" }),
        {
          type: "malware",
          id: "malware--a1b2c3d4-0000-4000-8000-000000000005",
          created: "2026-01-01T00:00:00Z",
          modified: "2026-01-01T00:00:00Z",
        },
        {
          type: "identity",
          id: "identity--a1b2c3d4-0000-4000-8000-000000000006",
          created: "2026-01-01T00:00:00Z",
          modified: "2026-01-01T00:00:00Z",
          name: "ACME",
        },
      ],
    });
    expect(response.status).toBe(200);
    const errors = (response.json as { errors: { recordIndex: number; validationErrorMessages: string[] }[] }).errors;
    expect(errors.map((error) => error.recordIndex)).toEqual([1, 2, 3, 4, 5, 6]);
    const messages = Object.fromEntries(
      errors.map((error) => [error.recordIndex, error.validationErrorMessages.join(" ")]),
    );
    expect(messages[1]).toContain("Error for Property=id: Required property is missing. Actual value: NULL.");
    expect(messages[2]).toContain("Property=pattern: Invalid STIX pattern");
    expect(messages[3]).toContain("Property=valid_until: Must be greater than valid_from.");
    expect(messages[4]).toContain("Property=confidence");
    expect(messages[5]).toContain("must match the object type 'indicator'");
    expect(messages[6]).toContain("Unsupported object type");
    expect(emulator.control.listObjects()).toHaveLength(2);
  });

  it("accepts only indicators on the legacy API and names the field errorMessages", async () => {
    const response = await upload(
      {
        sourcesystem: "ThreatConnect-Legacy",
        indicators: [
          indicator(),
          {
            type: "identity",
            id: "identity--a1b2c3d4-0000-4000-8000-000000000006",
            created: "2026-01-01T00:00:00Z",
            modified: "2026-01-01T00:00:00Z",
            name: "x",
          },
        ],
      },
      { api: "legacy" },
    );
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      errors: [{ recordIndex: 1, errorMessages: [expect.stringContaining("expected one of indicator.")] }],
    });
    expect(emulator.control.listObjects()[0]).toMatchObject({
      api: "legacy-indicators",
      sourcesystem: "ThreatConnect-Legacy",
    });
  });

  it.each([
    ["a body that is not JSON", "{not json", "not in valid JSON format"],
    ["a missing sourcesystem", { stixobjects: [] }, "sourcesystem property is required"],
    [
      "the reserved sourcesystem",
      { sourcesystem: "Microsoft Sentinel", stixobjects: [] },
      "cannot be Microsoft Sentinel",
    ],
    ["a 257-character sourcesystem", { sourcesystem: "x".repeat(257), stixobjects: [] }, "Maximum length is 256"],
    ["a missing stixobjects array", { sourcesystem: "s", indicators: [] }, "stixobjects property is required"],
    [
      "101 objects",
      { sourcesystem: "s", stixobjects: Array.from({ length: 101 }, () => indicator()) },
      "maximum is 100 objects",
    ],
  ])("answers 400 for %s", async (_name, body, message) => {
    const response = await upload(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain(message);
    expect(emulator.control.listObjects()).toHaveLength(0);
  });

  it("answers 400 for an unsupported api-version", async () => {
    const response = await upload({ sourcesystem: "s", stixobjects: [] }, { apiVersion: "2023-01-01" });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain("InvalidApiVersionParameter");
  });

  it("answers 401 for a missing, forged, wrong-audience or expired token", async () => {
    expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: "" })).status).toBe(401);
    const valid = String((await token()).body.access_token);
    expect(
      (await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: `${valid.slice(0, -4)}AAAA` })).status,
    ).toBe(401);
    const other = await startAzureEmulator({ port: 0 });
    try {
      const foreign = await fetch(`${other.authorityHost}/${other.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: other.clientId,
          client_secret: other.clientSecret,
          scope: "https://management.azure.com/.default",
        }),
      });
      const foreignToken = String(((await foreign.json()) as Record<string, unknown>).access_token);
      expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: foreignToken })).status).toBe(401);
    } finally {
      await other.close();
    }
    clock = new Date(clock.getTime() + 3600 * 1000);
    const expired = await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: valid });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ statusCode: 401, message: "Unauthorized. Access token is missing or invalid." });
  });

  it("answers 403 to a principal without the Sentinel role and 404 for an unknown workspace", async () => {
    const unprivileged = String(
      (await token(emulator.unprivilegedClientId, emulator.unprivilegedClientSecret)).body.access_token,
    );
    const forbidden = await upload({ sourcesystem: "s", stixobjects: [indicator()] }, { accessToken: unprivileged });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toEqual({
      error: { code: "UnauthorizedAccess", message: expect.stringContaining("does not have required permission") },
    });
    const missing = await upload(
      { sourcesystem: "s", stixobjects: [indicator()] },
      { workspaceId: "00000000-0000-4000-8000-0000000000ff" },
    );
    expect(missing.status).toBe(404);
    expect(emulator.control.listObjects()).toHaveLength(0);
  });

  it("throttles the 101st request in a minute per principal with the documented body, then lets it through", async () => {
    const accessToken = String((await token()).body.access_token);
    for (let request = 0; request < 100; request += 1) {
      expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken })).status).toBe(200);
    }
    clock = new Date(clock.getTime() + 15_000);
    const throttled = await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken });
    expect(throttled.status).toBe(429);
    expect(throttled.json).toEqual({ statusCode: 429, message: "Rate limit is exceeded. Try again in 45 seconds." });
    expect(throttled.headers.get("retry-after")).toBeNull();
    const unprivileged = String(
      (await token(emulator.unprivilegedClientId, emulator.unprivilegedClientSecret)).body.access_token,
    );
    expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: unprivileged })).status).toBe(403);
    clock = new Date(clock.getTime() + 45_000);
    expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken })).status).toBe(200);
  });
});

describe("faults and the control API", () => {
  it("injects 500s, 429s with Retry-After, 401s and connection resets", async () => {
    emulator.control.setFaults({ serverErrorRate: 1 });
    expect((await upload({ sourcesystem: "s", stixobjects: [] })).json).toMatchObject({
      statusCode: 500,
      message: "Internal server error",
    });
    emulator.control.setFaults({ serverErrorRate: 0, throttleRate: 1, sendRetryAfterHeader: true });
    const throttled = await upload({ sourcesystem: "s", stixobjects: [] });
    expect([throttled.status, throttled.headers.get("retry-after")]).toEqual([429, "30"]);
    emulator.control.setFaults({ throttleRate: 0, unauthorizedRate: 1 });
    expect((await upload({ sourcesystem: "s", stixobjects: [] })).status).toBe(401);
    emulator.control.setFaults({ unauthorizedRate: 0, resetRate: 1 });
    await expect(upload({ sourcesystem: "s", stixobjects: [] })).rejects.toThrow("fetch failed");
    expect(
      emulator.control
        .requests()
        .filter((entry) => entry.fault)
        .map((entry) => entry.status),
    ).toEqual([500, 429, 401, "reset"]);
  });

  it("refuses only the valid indicators whose pattern names a refused value, each by its index", async () => {
    const put = await fetch(`${emulator.authorityHost}/_emulator/faults`, {
      method: "PUT",
      body: JSON.stringify({ refusedPatternValues: ["refused.example"] }),
    });
    expect(put.status).toBe(200);
    const refusedPattern = "[domain-name:value = 'refused.example']";
    const response = await upload({
      sourcesystem: "ThreatConnect-Test",
      stixobjects: [
        indicator(),
        indicator({ id: "indicator--a1b2c3d4-0000-4000-8000-000000000011", pattern: refusedPattern }),
        indicator({
          id: "indicator--a1b2c3d4-0000-4000-8000-000000000012",
          pattern: "[domain-name:value = 'ok.test']",
        }),
      ],
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      errors: [
        {
          recordIndex: 1,
          validationErrorMessages: [
            `Error for Property=pattern: The workspace refused this indicator (emulator fault refusedPatternValues). Actual value: ${refusedPattern}.`,
          ],
        },
      ],
    });
    expect(emulator.control.listObjects().map((stored) => stored.object.pattern)).not.toContain(refusedPattern);
    expect(emulator.control.listObjects()).toHaveLength(2);
    emulator.control.reset();
    expect((await upload({ sourcesystem: "s", stixobjects: [indicator({ pattern: refusedPattern })] })).text).toBe("");
  });

  it("lists, configures and resets over HTTP, and never logs secrets", async () => {
    await upload({ sourcesystem: "ThreatConnect-Http", stixobjects: [indicator()] });
    const objects = (await (
      await fetch(`${emulator.authorityHost}/_emulator/objects?sourcesystem=ThreatConnect-Http`)
    ).json()) as { objects: unknown[] };
    expect(objects.objects).toHaveLength(1);
    const requests = await (await fetch(`${emulator.authorityHost}/_emulator/requests`)).text();
    expect(requests).toContain("threat-intelligence-stix-objects:upload");
    expect(requests).not.toContain(emulator.clientSecret);

    const directory = emulator.control.directory();
    const workspace = directory.workspaces[0];
    if (!workspace) throw new Error("default directory has a workspace");
    workspace.sentinelContributors.push(emulator.unprivilegedClientId);
    const put = await fetch(`${emulator.authorityHost}/_emulator/directory`, {
      method: "PUT",
      body: JSON.stringify(directory),
    });
    expect(put.status).toBe(200);
    const granted = String(
      (await token(emulator.unprivilegedClientId, emulator.unprivilegedClientSecret)).body.access_token,
    );
    expect((await upload({ sourcesystem: "s", stixobjects: [] }, { accessToken: granted })).status).toBe(200);

    const invalid = await fetch(`${emulator.authorityHost}/_emulator/faults`, {
      method: "PUT",
      body: JSON.stringify({ throttleRate: 2 }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("throttleRate");

    expect((await fetch(`${emulator.authorityHost}/_emulator/reset`, { method: "POST" })).status).toBe(204);
    expect(emulator.control.listObjects()).toHaveLength(0);
    expect(emulator.control.directory().workspaces[0]?.sentinelContributors).toEqual([emulator.clientId]);
  });
});
