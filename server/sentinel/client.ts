import { z } from "zod";
import { endpointsForCloud, type SentinelEndpoints } from "./endpoints";
import {
  SentinelAuthError,
  SentinelConfigError,
  SentinelRequestError,
  SentinelThrottledError,
  SentinelTransientError,
} from "./errors";
import { classifyNetworkFailure } from "./network-failure";
import { acquireSentinelToken } from "./token-provider";
import type { RejectedObject, SentinelConnection, StixObject, UploadOutcome } from "./types";

export const MAX_OBJECTS_PER_REQUEST = 100;
const MAX_SOURCESYSTEM_LENGTH = 256;
const DEFAULT_RETRY_AFTER_SECONDS = 60;
const DEFAULT_TIMEOUT_MS = 30_000;

export type SentinelClientOptions = { endpoints?: Partial<SentinelEndpoints>; timeoutMs?: number };

export type SentinelClient = {
  upload: (sourcesystem: string, objects: StixObject[]) => Promise<UploadOutcome>;
};

const recordErrorsSchema = z.object({
  errors: z
    .array(
      z.object({
        recordIndex: z.number().int(),
        // The docs say errorMessages, the 2024 Swagger validationErrorMessages; both are read.
        errorMessages: z.array(z.string()).optional(),
        validationErrorMessages: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});

const messageBodySchema = z.union([
  z.object({ error: z.object({ message: z.string(), code: z.string().optional() }) }),
  z.object({ message: z.string() }),
]);

type SentResponse = { status: number; headers: Headers; body: string };

export function createSentinelClient(
  connection: SentinelConnection,
  options: SentinelClientOptions = {},
): SentinelClient {
  const endpoints = endpointsForCloud(connection.cloud, options.endpoints);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

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
    async upload(sourcesystem, objects) {
      assertUploadable(sourcesystem, objects);
      const url = uploadUrl(connection, endpoints);
      const arrayField = connection.api === "legacy-indicators" ? "indicators" : "stixobjects";
      const payload = JSON.stringify({ sourcesystem, [arrayField]: objects });

      let response = await post(url, await acquireSentinelToken(connection, endpoints), payload);
      if (response.status === 401) {
        // A token msal still considers valid can be revoked or outlived server-side: refresh once, then give up.
        response = await post(url, await acquireSentinelToken(connection, endpoints, { forceRefresh: true }), payload);
        if (response.status === 401) {
          throw new SentinelAuthError(
            "unauthorized",
            `Sentinel rejected a freshly issued token for app ${connection.clientId} (HTTP 401). Check that the token's cloud matches the Sentinel host ${new URL(url).host}.`,
          );
        }
      }
      return interpretResponse(response, objects, connection, url);
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
  if (sourcesystem.trim() === "")
    throw new SentinelRequestError("invalid_sourcesystem", "sourcesystem: must not be empty.");
  if (sourcesystem.length > MAX_SOURCESYSTEM_LENGTH) {
    throw new SentinelRequestError(
      "invalid_sourcesystem",
      `sourcesystem: ${sourcesystem.length} characters, the maximum is ${MAX_SOURCESYSTEM_LENGTH}.`,
    );
  }
  if (sourcesystem.trim().toLowerCase() === "microsoft sentinel") {
    throw new SentinelRequestError(
      "invalid_sourcesystem",
      "sourcesystem: 'Microsoft Sentinel' is reserved by Microsoft; choose another source name.",
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
    );
  }
  return `${endpoints.legacyBaseUrl}/workspaces/${workspace}/threatintelligenceindicators:upload?api-version=${encodeURIComponent(endpoints.legacyApiVersion)}`;
}

function bodyMessage(body: string): string | undefined {
  try {
    const parsed = messageBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    return "error" in parsed.data ? parsed.data.error.message : parsed.data.message;
  } catch {
    return undefined;
  }
}

/** Retry-After header, else the documented "Try again in N seconds", else a minute. */
export function retryAfterSeconds(headers: Headers, body: string, now: Date = new Date()): number {
  const header = headers.get("retry-after")?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
  }
  const fromMessage = /try again in (\d+) seconds?/i.exec(bodyMessage(body) ?? body)?.[1];
  return fromMessage ? Number(fromMessage) : DEFAULT_RETRY_AFTER_SECONDS;
}

function interpretResponse(
  response: SentResponse,
  objects: StixObject[],
  connection: SentinelConnection,
  url: string,
): UploadOutcome {
  const { status, body } = response;
  const host = new URL(url).host;
  if (status === 200) return mapRecordErrors(body, objects, host);
  if (status === 429) {
    const seconds = retryAfterSeconds(response.headers, body);
    throw new SentinelThrottledError(
      seconds,
      `Sentinel is throttling app ${connection.clientId}; retry after ${seconds} s.`,
    );
  }
  if (status === 403) {
    throw new SentinelConfigError(
      "missing_sentinel_role",
      `App ${connection.clientId} may not write threat intelligence to workspace ${connection.workspaceId} (HTTP 403). Assign it the Microsoft Sentinel Contributor role in the workspace's Access control (IAM).`,
    );
  }
  if (status === 404) {
    throw new SentinelConfigError(
      "workspace_not_found",
      `Workspace ${connection.workspaceId} was not found at ${host} (HTTP 404). Use the Log Analytics Workspace ID (a GUID from the workspace's Overview page), not its name or resource ID, and check the cloud.`,
    );
  }
  if (status === 408 || status >= 500) {
    throw new SentinelTransientError(
      "server_error",
      `Sentinel at ${host} answered HTTP ${status}${bodyMessage(body) ? `: ${bodyMessage(body)}` : ""}.`,
      status,
    );
  }
  throw new SentinelRequestError(
    "bad_request",
    `Sentinel rejected the request (HTTP ${status}): ${bodyMessage(body) ?? "no message in the response body"}.`,
    status,
  );
}

function mapRecordErrors(body: string, objects: StixObject[], host: string): UploadOutcome {
  if (body.trim() === "") return { accepted: objects.length, rejected: [] };
  let parsed: z.infer<typeof recordErrorsSchema>;
  try {
    parsed = recordErrorsSchema.parse(JSON.parse(body));
  } catch (error) {
    // Which records landed is unknown; uploads are upserts by id, so sending the batch again is safe.
    throw new SentinelTransientError(
      "unexpected_response",
      `Sentinel at ${host} answered HTTP 200 with a body that is not the documented shape.`,
      200,
      { cause: error },
    );
  }
  const byIndex = new Map<number, RejectedObject>();
  for (const entry of parsed.errors) {
    const messages = [...(entry.errorMessages ?? []), ...(entry.validationErrorMessages ?? [])];
    const existing = byIndex.get(entry.recordIndex);
    if (existing) {
      existing.messages.push(...messages);
      continue;
    }
    const object = objects[entry.recordIndex];
    byIndex.set(entry.recordIndex, {
      index: entry.recordIndex,
      ...(object && typeof object.id === "string" ? { objectId: object.id } : {}),
      messages,
    });
  }
  const rejected = [...byIndex.values()].sort((left, right) => left.index - right.index);
  const rejectedInRange = rejected.filter((entry) => entry.index >= 0 && entry.index < objects.length).length;
  return { accepted: objects.length - rejectedInRange, rejected };
}
