import { createHash } from "node:crypto";
import { AuthError, ConfidentialClientApplication, type INetworkModule } from "@azure/msal-node";
import { LRUCache } from "lru-cache";
import type { SentinelEndpoints } from "./endpoints";
import { SentinelAuthError, SentinelConfigError, SentinelTransientError } from "./errors";
import { classifyNetworkFailure } from "./network-failure";
import type { SentinelConnection } from "./types";

type TokenCredentials = Pick<SentinelConnection, "tenantId" | "clientId" | "clientSecret" | "secretVersion">;

/**
 * msal's token cache lives inside its application object, so reusing one application per app registration is what
 * makes a token last until near expiry instead of one token per call.
 */
export type TokenClientCache = {
  applicationFor: (credentials: TokenCredentials, endpoints: SentinelEndpoints) => ConfidentialClientApplication;
  readonly size: number;
};

/** A few hundred tenants is where msal's in-memory cache stops scaling anyway (msal-node caching docs). */
export const DEFAULT_MAX_TOKEN_CLIENTS = 500;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Bounded (least recently used goes first) and keyed by a hash of authority, tenant and client id, so a map key
 * never holds a secret. One entry per app registration: a new secret replaces the application holding the old one
 * instead of keeping it alive next to it.
 */
export function createTokenClientCache(
  options: { maxClients?: number; networkClient?: INetworkModule } = {},
): TokenClientCache {
  const clients = new LRUCache<string, { secretTag: string; application: ConfidentialClientApplication }>({
    max: options.maxClients ?? DEFAULT_MAX_TOKEN_CLIENTS,
  });
  return {
    get size() {
      return clients.size;
    },
    applicationFor(credentials, endpoints) {
      const identity = sha256([endpoints.authorityHost, credentials.tenantId, credentials.clientId].join("\n"));
      const secretTag = `${credentials.secretVersion ?? ""}:${sha256(`${identity}\n${credentials.clientSecret}`)}`;
      const cached = clients.get(identity);
      if (cached?.secretTag === secretTag) return cached.application;
      const application = new ConfidentialClientApplication({
        auth: {
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          authority: `${endpoints.authorityHost}/${credentials.tenantId}`,
          // Declaring the host trusted skips instance discovery, which msal always sends to the public cloud's
          // login.microsoftonline.com; with it the configured authority host (US Gov, emulator) is the only one
          // contacted. The public and US Gov hosts resolve from msal's built-in metadata without any request.
          knownAuthorities: [new URL(endpoints.authorityHost).host],
        },
        ...(options.networkClient && { system: { networkClient: options.networkClient } }),
      });
      clients.set(identity, { secretTag, application });
      return application;
    },
  };
}

const defaultTokenClients = createTokenClientCache();

export async function acquireSentinelToken(
  credentials: TokenCredentials,
  endpoints: SentinelEndpoints,
  options: { forceRefresh?: boolean; tokenClients?: TokenClientCache } = {},
): Promise<string> {
  const application = (options.tokenClients ?? defaultTokenClients).applicationFor(credentials, endpoints);
  try {
    const result = await application.acquireTokenByClientCredential({
      scopes: [endpoints.scope],
      skipCache: options.forceRefresh === true,
    });
    if (!result?.accessToken) {
      throw new SentinelAuthError(
        "token_request_failed",
        `Entra ID returned no access token for app ${credentials.clientId}.`,
      );
    }
    return result.accessToken;
  } catch (error) {
    throw await toSentinelTokenError(error, credentials, endpoints);
  }
}

/** Turns msal's errors into ours; AADSTS numbers are Entra ID's stable identifiers for each failure. */
async function toSentinelTokenError(
  error: unknown,
  credentials: TokenCredentials,
  endpoints: SentinelEndpoints,
): Promise<Error> {
  if (error instanceof SentinelAuthError) return error;
  if (!(error instanceof AuthError)) {
    return new SentinelTransientError(
      "token_request_failed",
      `Token request to ${endpoints.authorityHost} failed unexpectedly.`,
      undefined,
      { cause: error },
    );
  }
  const aadsts = /AADSTS(\d+)/.exec(`${error.errorMessage} ${error.message}`)?.[1];
  const tenant = credentials.tenantId;
  const client = credentials.clientId;
  switch (aadsts) {
    case "7000215":
    case "7000216":
      return new SentinelAuthError(
        "invalid_client_secret",
        `Entra ID rejected the client secret for app ${client} (AADSTS${aadsts}). Paste the secret's Value (not its Secret ID) from Certificates & secrets, or create a new secret.`,
        { cause: error, field: "clientSecret" },
      );
    case "7000222":
      return new SentinelAuthError(
        "client_secret_expired",
        `The client secret for app ${client} has expired (AADSTS7000222). Create a new secret and update the connection.`,
        { cause: error, field: "clientSecret" },
      );
    case "700016":
      return new SentinelAuthError(
        "client_not_found",
        `App ${client} was not found in tenant ${tenant} (AADSTS700016). Check the Application (client) ID and that the app is registered or consented in that tenant.`,
        { cause: error, field: "clientId" },
      );
    case "90002":
    case "900023":
      return new SentinelAuthError(
        "tenant_not_found",
        `Tenant ${tenant} was not found at ${endpoints.authorityHost} (AADSTS${aadsts}). Check the Directory (tenant) ID and the cloud.`,
        { cause: error, field: "tenantId" },
      );
    case "500011":
      return new SentinelConfigError(
        "invalid_scope",
        `Tenant ${tenant} does not know the resource of scope ${endpoints.scope} (AADSTS500011). Check the cloud setting.`,
        { cause: error, field: "azureCloud" },
      );
    default:
      break;
  }
  if (error.errorCode === "endpoints_resolution_error" || error.errorCode === "openid_config_error") {
    return diagnoseDiscoveryFailure(credentials, endpoints, error);
  }
  if (error.errorCode === "network_error" || error.errorCode === "no_network_connectivity") {
    return new SentinelTransientError(
      "token_endpoint_unreachable",
      `Could not reach ${endpoints.authorityHost} for a token.`,
      undefined,
      { cause: error },
    );
  }
  return new SentinelAuthError(
    "token_request_failed",
    `Entra ID refused a token for app ${client} in tenant ${tenant}: ${aadsts ? `AADSTS${aadsts}` : error.errorCode}.`,
    { cause: error },
  );
}

/**
 * msal folds an unknown tenant, an unreachable host and an untrusted certificate into one
 * "endpoints_resolution_error"; fetching the same discovery document tells them apart.
 */
async function diagnoseDiscoveryFailure(
  credentials: TokenCredentials,
  endpoints: SentinelEndpoints,
  cause: AuthError,
): Promise<Error> {
  const tenant = credentials.tenantId;
  const url = `${endpoints.authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    return classifyNetworkFailure(error, url);
  }
  const body = await response.text();
  const aadsts = /AADSTS(\d+)/.exec(body)?.[1];
  if (aadsts === "90002" || aadsts === "900023" || response.status === 400) {
    return new SentinelAuthError(
      "tenant_not_found",
      `Tenant ${tenant} was not found at ${endpoints.authorityHost}${aadsts ? ` (AADSTS${aadsts})` : ""}. Check the Directory (tenant) ID and the cloud.`,
      { cause, field: "tenantId" },
    );
  }
  if (response.status >= 500) {
    return new SentinelTransientError(
      "token_endpoint_unavailable",
      `${endpoints.authorityHost} answered HTTP ${response.status} for tenant discovery.`,
      response.status,
      { cause },
    );
  }
  return new SentinelConfigError(
    "authority_unusable",
    `${endpoints.authorityHost} did not serve a usable OpenID configuration for tenant ${tenant} (HTTP ${response.status}). Check the authority host.`,
    { cause },
  );
}
