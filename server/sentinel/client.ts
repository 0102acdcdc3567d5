import { setTimeout as delay } from "node:timers/promises";
import { endpointsForCloud, type SentinelEndpoints } from "./endpoints";
import { SentinelConfigError, SentinelRequestError } from "./errors";
import { classifyNetworkFailure } from "./network-failure";
import { acquireSentinelToken, type TokenClientCache } from "./token-provider";
import type { SentinelConnection, StixObject, UploadOutcome } from "./types";
import { interpretResponse, isRoleRefusal, isTokenRefusal, type SentResponse } from "./upload-response";

export const MAX_OBJECTS_PER_REQUEST = 100;
const MAX_SOURCESYSTEM_LENGTH = 256;
const DEFAULT_TIMEOUT_MS = 30_000;
/** A role assignment can take minutes to reach Sentinel, so a refusal is retried once after this pause. */
export const DEFAULT_ROLE_RETRY_DELAY_MS = 30_000;

export type SentinelClientOptions = {
  endpoints?: Partial<SentinelEndpoints>;
  timeoutMs?: number;
  roleRetryDelayMs?: number;
  /** msal applications to reuse; a process-wide bounded cache unless given. */
  tokenClients?: TokenClientCache;
  /** The caller's clock (scope.deps.now), for a Retry-After given as a date. */
  now?: () => Date;
};

export type UploadOptions = {
  /**
   * Runs once the request is ready (token acquired, body serialized), right before it is sent: where a caller
   * waits for its turn under Sentinel's rate limit, so the time between the turn and the request's arrival does
   * not include the token or the caller's own reads.
   */
  beforeSend?: () => Promise<void>;
};

export type SentinelClient = {
  upload: (sourcesystem: string, objects: StixObject[], options?: UploadOptions) => Promise<UploadOutcome>;
};

export function createSentinelClient(
  connection: SentinelConnection,
  options: SentinelClientOptions = {},
): SentinelClient {
  const endpoints = endpointsForCloud(connection.cloud, options.endpoints);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const roleRetryDelayMs = options.roleRetryDelayMs ?? DEFAULT_ROLE_RETRY_DELAY_MS;
  const now = options.now ?? (() => new Date());
  const token = (forceRefresh: boolean) =>
    acquireSentinelToken(connection, endpoints, { forceRefresh, tokenClients: options.tokenClients });

  async function post(url: string, accessToken: string, payload: string): Promise<SentResponse> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch (error) {
      throw classifyNetworkFailure(error, url);
    }
  }

  return {
    async upload(sourcesystem, objects, uploadOptions = {}) {
      assertUploadable(sourcesystem, objects);
      const url = uploadUrl(connection, endpoints);
      const arrayField = connection.api === "legacy-indicators" ? "indicators" : "stixobjects";
      const payload = JSON.stringify({ sourcesystem, [arrayField]: objects });

      let accessToken = await token(false);
      await uploadOptions.beforeSend?.();
      let response = await post(url, accessToken, payload);
      if (isTokenRefusal(response)) {
        // A token msal still considers valid can be revoked or outlived server-side: refresh once, then give up.
        accessToken = await token(true);
        response = await post(url, accessToken, payload);
      }
      if (isRoleRefusal(response)) {
        await delay(roleRetryDelayMs);
        response = await post(url, accessToken, payload);
      }
      return interpretResponse(response, { objects, connection, url, now: now() });
    },
  };
}

function assertUploadable(sourcesystem: string, objects: StixObject[]): void {
  if (objects.length > MAX_OBJECTS_PER_REQUEST) {
    throw new SentinelRequestError(
      "too_many_objects",
      `objects: ${objects.length} given, Sentinel accepts at most ${MAX_OBJECTS_PER_REQUEST} per request.`,
    );
  }
  const sourceField = { field: "sourceName" } as const;
  if (sourcesystem.trim() === "") {
    throw new SentinelRequestError("invalid_sourcesystem", "sourcesystem: must not be empty.", undefined, sourceField);
  }
  if (sourcesystem.length > MAX_SOURCESYSTEM_LENGTH) {
    throw new SentinelRequestError(
      "invalid_sourcesystem",
      `sourcesystem: ${sourcesystem.length} characters, the maximum is ${MAX_SOURCESYSTEM_LENGTH}.`,
      undefined,
      sourceField,
    );
  }
  if (sourcesystem.trim().toLowerCase() === "microsoft sentinel") {
    throw new SentinelRequestError(
      "invalid_sourcesystem",
      "sourcesystem: 'Microsoft Sentinel' is reserved by Microsoft; choose another source name.",
      undefined,
      sourceField,
    );
  }
}

function uploadUrl(connection: SentinelConnection, endpoints: SentinelEndpoints): string {
  const workspace = encodeURIComponent(connection.workspaceId);
  if (connection.api === "stix-objects") {
    return `${endpoints.sentinelBaseUrl}/workspaces/${workspace}/threat-intelligence-stix-objects:upload?api-version=${encodeURIComponent(endpoints.stixApiVersion)}`;
  }
  if (!endpoints.legacyBaseUrl) {
    throw new SentinelConfigError(
      "legacy_api_unavailable",
      `Microsoft documents no legacy indicators API host for the ${connection.cloud} cloud. Use the STIX objects API for this connection.`,
      { field: "sentinelApi" },
    );
  }
  return `${endpoints.legacyBaseUrl}/workspaces/${workspace}/threatintelligenceindicators:upload?api-version=${encodeURIComponent(endpoints.legacyApiVersion)}`;
}
