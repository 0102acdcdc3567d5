import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureEmulator, type AzureEmulator } from "./index";

let emulator: AzureEmulator;

beforeAll(async () => {
  emulator = await startAzureEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
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

async function accessToken(clientId = emulator.clientId, clientSecret = emulator.clientSecret): Promise<string> {
  const response = await fetch(`${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope: "https://management.azure.com/.default",
    }),
  });
  return String(((await response.json()) as { access_token: unknown }).access_token);
}

async function post(path: string, body: unknown, token?: string) {
  const response = await fetch(`${emulator.sentinelBaseUrl}/workspaces/${emulator.workspaceId}/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token ?? (await accessToken())}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const STIX_UPLOAD = "threat-intelligence-stix-objects:upload?api-version=2024-02-01-preview";
const LEGACY_UPLOAD = "threatintelligenceindicators:upload?api-version=2022-07-01";

describe("missing Sentinel Contributor role", () => {
  it.each([403, 401] as const)("answers UnauthorizedAccess with the configured status %i", async (status) => {
    emulator.control.setFaults({ missingRoleStatus: status });
    const token = await accessToken(emulator.unprivilegedClientId, emulator.unprivilegedClientSecret);
    const refused = await post(STIX_UPLOAD, { sourcesystem: "s", stixobjects: [indicator()] }, token);
    expect(refused).toEqual({
      status,
      json: { error: { code: "UnauthorizedAccess", message: expect.stringContaining("required permission") } },
    });
  });

  it("can refuse a principal that holds the role, as Sentinel does while an assignment propagates", async () => {
    emulator.control.setFaults({ missingRoleRate: 1, missingRoleStatus: 401 });
    const refused = await post(STIX_UPLOAD, { sourcesystem: "s", stixobjects: [indicator()] });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: { code: "UnauthorizedAccess" } });
    expect(emulator.control.requests().at(-1)).toMatchObject({ status: 401, fault: "missingRoleRate" });
  });
});

describe("a batch whose every record is invalid", () => {
  const invalidBatch = [indicator({ id: undefined }), indicator({ pattern: "[broken" })];

  it("answers 200 with errors[] by default", async () => {
    const outcome = await post(STIX_UPLOAD, { sourcesystem: "s", stixobjects: invalidBatch });
    expect(outcome.status).toBe(200);
    expect(outcome.json).toMatchObject({ errors: [{ recordIndex: 0 }, { recordIndex: 1 }] });
  });

  it.each([
    [STIX_UPLOAD, "stixobjects", "validationErrorMessages"],
    [LEGACY_UPLOAD, "indicators", "errorMessages"],
  ])("answers 400 with the same errors[] when switched (%s)", async (path, arrayField, messagesField) => {
    emulator.control.setFaults({ allInvalidStatus: 400 });
    const outcome = await post(path, { sourcesystem: "s", [arrayField]: invalidBatch });
    expect(outcome.status).toBe(400);
    expect(outcome.json).toEqual({
      errors: [
        { recordIndex: 0, [messagesField]: [expect.stringContaining("Property=id")] },
        { recordIndex: 1, [messagesField]: [expect.stringContaining("Property=pattern")] },
      ],
    });
  });

  it("still answers 200 when at least one record is valid", async () => {
    emulator.control.setFaults({ allInvalidStatus: 400 });
    const outcome = await post(STIX_UPLOAD, { sourcesystem: "s", stixobjects: [indicator(), invalidBatch[0]] });
    expect(outcome.status).toBe(200);
    expect(emulator.control.listObjects()).toHaveLength(1);
  });
});

describe("documented request shapes only", () => {
  it("does not serve the connector templates' unhyphenated path, which no Microsoft doc confirms", async () => {
    const outcome = await post("threatintelligence-stix-objects:upload?api-version=2024-02-01-preview", {
      sourcesystem: "s",
      stixobjects: [indicator()],
    });
    expect(outcome.status).toBe(404);
    expect(emulator.control.listObjects()).toHaveLength(0);
  });

  it("rejects a STIX 2.0 indicator without pattern_type as a record, in the documented message shape", async () => {
    const stix20 = indicator({ spec_version: "2.0", pattern_type: undefined });
    const outcome = await post(STIX_UPLOAD, {
      sourcesystem: "s",
      stixobjects: [indicator({ id: "indicator--1b0c6c36-2a1a-4f0e-9a0e-7b6a4f3c1d20" }), stix20],
    });
    expect(outcome).toEqual({
      status: 200,
      json: {
        errors: [
          {
            recordIndex: 1,
            validationErrorMessages: [
              "Error for Property=pattern_type: Required property is missing. Actual value: NULL.",
            ],
          },
        ],
      },
    });
  });
});
