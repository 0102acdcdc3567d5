import { createHash } from "node:crypto";
import { AuthError, ConfidentialClientApplication } from "@azure/msal-node";
import type { SentinelEndpoints } from "./endpoints";
import { SentinelAuthError, SentinelConfigError, SentinelTransientError } from "./errors";
import { classifyNetworkFailure } from "./network-failure";
import type { SentinelConnection } from "./types";

/**
 * One msal application per (authority, tenant, client, secret version): msal's token cache lives inside the
 * application object, so reusing it is what makes tokens last until near expiry instead of one per call.
 */
const applications = new Map<string, ConfidentialClientApplication>();

type TokenCredentials = Pick<SentinelConnection, "tenantId" | "clientId" | "clientSecret" | "secretVersion">;

function applicationFor(credentials: TokenCredentials, endpoints: SentinelEndpoints): ConfidentialClientApplication {
  // Without an explicit version the secret's fingerprint stands in, so a rotated secret never reuses a stale client.
  const secretVersion =
    credentials.secretVersion ?? createHash("sha256").update(credentials.clientSecret).digest("hex").slice(0, 16);
  const key = [endpoints.authorityHost, credentials.tenantId, credentials.clientId, secretVersion].join("|");
  const existing = applications.get(key);
  if (existing) return existing;
  const application = new ConfidentialClientApplication({
    auth: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      authority: `${endpoints.authorityHost}/${credentials.tenantId}`,
      // Declaring the host trusted skips instance discovery, which msal always sends to the public cloud's
      // login.microsoftonline.com; with it the configured authority host (US Gov, emulator) is the only one contacted.
      knownAuthorities: [new URL(endpoints.authorityHost).host],
    },
  });
  applications.set(key, application);
  return application;
}

export async function acquireSentinelToken(
  credentials: TokenCredentials,
  endpoints: SentinelEndpoints,
  options: { forceRefresh?: boolean } = {},
): Promise<string> {
  const application = applicationFor(credentials, endpoints);
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
        { cause: error },
      );
    case "7000222":
      return new SentinelAuthError(
        "client_secret_expired",
        `The client secret for app ${client} has expired (AADSTS7000222). Create a new secret and update the connection.`,
        { cause: error },
      );
    case "700016":
      return new SentinelAuthError(
        "client_not_found",
        `App ${client} was not found in tenant ${tenant} (AADSTS700016). Check the Application (client) ID and that the app is registered or consented in that tenant.`,
        { cause: error },
      );
    case "90002":
    case "900023":
      return new SentinelAuthError(
        "tenant_not_found",
        `Tenant ${tenant} was not found at ${endpoints.authorityHost} (AADSTS${aadsts}). Check the Directory (tenant) ID and the cloud.`,
        { cause: error },
      );
    case "500011":
      return new SentinelConfigError(
        "invalid_scope",
        `Tenant ${tenant} does not know the resource of scope ${endpoints.scope} (AADSTS500011). Check the cloud setting.`,
        { cause: error },
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
      { cause },
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
