import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { endpointsForCloud } from "./endpoints";
import { SentinelAuthError } from "./errors";
import { acquireSentinelToken, createTokenClientCache } from "./token-provider";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const credentials = { tenantId: TENANT, clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "s3cret" };

type Sent = { method: "GET" | "POST"; url: string; body?: string };

/** Stands in for msal's HTTP client only: everything above it (authority resolution, caching) is msal's own. */
function recordingNetwork(answer: (url: string) => NetworkResponse<unknown>): {
  network: INetworkModule;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const network: INetworkModule = {
    sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
      sent.push({ method: "GET", url });
      return Promise.resolve({ headers: {}, status: 404, body: {} as T });
    },
    sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      sent.push({ method: "POST", url, body: options?.body });
      return Promise.resolve(answer(url) as NetworkResponse<T>);
    },
  };
  return { network, sent };
}

const tokenGranted = () => ({
  headers: {},
  status: 200,
  body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "token-from-stub" },
});

describe("msal's built-in metadata for the real authorities", () => {
  it.each([
    ["public", "https://login.microsoftonline.com", "https://management.azure.com/.default"],
    ["usgov", "https://login.microsoftonline.us", "https://management.usgovcloudapi.net/.default"],
  ] as const)("%s: posts straight to the token endpoint with no discovery request", async (cloud, host, scope) => {
    const { network, sent } = recordingNetwork(tokenGranted);
    const tokenClients = createTokenClientCache({ networkClient: network });
    const token = await acquireSentinelToken(credentials, endpointsForCloud(cloud), { tokenClients });
    expect(token).toBe("token-from-stub");
    expect(sent.filter((request) => request.method === "GET")).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url.startsWith(`${host}/${TENANT}/oauth2/v2.0/token`)).toBe(true);
    expect(new URLSearchParams(sent[0]?.body).get("scope")).toBe(scope);
    // msal's in-memory cache answers the second call.
    await acquireSentinelToken(credentials, endpointsForCloud(cloud), { tokenClients });
    expect(sent).toHaveLength(1);
  });

  it("classifies Entra's refusal on that path with the setting to fix", async () => {
    const { network } = recordingNetwork(() => ({
      headers: {},
      status: 401,
      body: {
        error: "invalid_client",
        error_description: "AADSTS7000215: Invalid client secret provided.",
        error_codes: [7000215],
      },
    }));
    const error = await acquireSentinelToken(credentials, endpointsForCloud("public"), {
      tokenClients: createTokenClientCache({ networkClient: network }),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SentinelAuthError);
    expect(error).toMatchObject({ code: "invalid_client_secret", field: "clientSecret", integration: "sentinel" });
    expect((error as Error).message).not.toContain(credentials.clientSecret);
  });
});

describe("token client cache", () => {
  const endpoints = endpointsForCloud("public");

  it("reuses one msal application per app registration", () => {
    const cache = createTokenClientCache();
    expect(cache.applicationFor(credentials, endpoints)).toBe(cache.applicationFor({ ...credentials }, endpoints));
    expect(cache.size).toBe(1);
  });

  it("is bounded, dropping the least recently used application", () => {
    const cache = createTokenClientCache({ maxClients: 2 });
    const first = cache.applicationFor({ ...credentials, clientId: "a" }, endpoints);
    cache.applicationFor({ ...credentials, clientId: "b" }, endpoints);
    cache.applicationFor({ ...credentials, clientId: "a" }, endpoints);
    cache.applicationFor({ ...credentials, clientId: "c" }, endpoints);
    expect(cache.size).toBe(2);
    expect(cache.applicationFor({ ...credentials, clientId: "a" }, endpoints)).toBe(first);
  });

  it("replaces the application holding an old secret instead of keeping both", () => {
    const cache = createTokenClientCache();
    const withOldSecret = cache.applicationFor(credentials, endpoints);
    const withNewSecret = cache.applicationFor({ ...credentials, clientSecret: "rotated" }, endpoints);
    expect(withNewSecret).not.toBe(withOldSecret);
    expect(cache.size).toBe(1);
    expect(cache.applicationFor(credentials, endpoints)).not.toBe(withOldSecret);
  });
});
