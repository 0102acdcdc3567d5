import { z } from "zod";
import {
  SentinelAuthError,
  SentinelConfigError,
  SentinelRequestError,
  SentinelThrottledError,
  SentinelTransientError,
} from "./errors";
import type { RejectedObject, SentinelConnection, StixObject, UploadOutcome } from "./types";

export type SentResponse = { status: number; headers: Headers; body: string };

const DEFAULT_RETRY_AFTER_MS = 60_000;

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

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function bodyError(body: string): { message?: string; code?: string } {
  const parsed = messageBodySchema.safeParse(parseJson(body));
  if (!parsed.success) return {};
  return "error" in parsed.data ? parsed.data.error : { message: parsed.data.message };
}

/**
 * Sentinel answers a caller without Microsoft Sentinel Contributor with error.code "UnauthorizedAccess", on 401 or
 * 403 (undocumented, seen both ways), sometimes only for a while after the role was assigned. Any other 403 is an
 * authorization refusal too.
 */
export function isRoleRefusal(response: SentResponse): boolean {
  if (response.status === 403) return true;
  return response.status === 401 && bodyError(response.body).code === "UnauthorizedAccess";
}

/** A 401 that is about the token, not the role: worth one fresh token. */
export function isTokenRefusal(response: SentResponse): boolean {
  return response.status === 401 && !isRoleRefusal(response);
}

/** Retry-After header, else the documented "Try again in N seconds", else a minute. */
export function retryAfterMs(headers: Headers, body: string, now: Date): number {
  const header = headers.get("retry-after")?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now.getTime()) / 1000) * 1000);
  }
  const fromMessage = /try again in (\d+) seconds?/i.exec(bodyError(body).message ?? body)?.[1];
  return fromMessage ? Number(fromMessage) * 1000 : DEFAULT_RETRY_AFTER_MS;
}

export function interpretResponse(
  response: SentResponse,
  request: { objects: StixObject[]; connection: SentinelConnection; url: string; now: Date },
): UploadOutcome {
  const { status, body } = response;
  const { connection, objects } = request;
  const host = new URL(request.url).host;
  if (status === 200) return recordOutcome(body, objects, host);
  if (isRoleRefusal(response)) {
    throw new SentinelConfigError(
      "missing_sentinel_role",
      `App ${connection.clientId} may not write threat intelligence to workspace ${connection.workspaceId} (HTTP ${status}${bodyError(body).code ? `, ${bodyError(body).code}` : ""}). Assign it the Microsoft Sentinel Contributor role in the workspace's Access control (IAM); a new assignment can take a few minutes to apply.`,
    );
  }
  if (status === 401) {
    throw new SentinelAuthError(
      "unauthorized",
      `Sentinel rejected a freshly issued token for app ${connection.clientId} (HTTP 401). Check that the token's cloud matches the Sentinel host ${host}.`,
      { field: "azureCloud" },
    );
  }
  if (status === 429) {
    const waitMs = retryAfterMs(response.headers, body, request.now);
    throw new SentinelThrottledError(
      waitMs,
      `Sentinel is throttling app ${connection.clientId}; retry after ${Math.ceil(waitMs / 1000)} s.`,
    );
  }
  if (status === 404) {
    throw new SentinelConfigError(
      "workspace_not_found",
      `Workspace ${connection.workspaceId} was not found at ${host} (HTTP 404). Use the Log Analytics Workspace ID (a GUID from the workspace's Overview page), not its name or resource ID, and check the cloud.`,
      { field: "workspaceId" },
    );
  }
  if (status === 408 || status >= 500) {
    const message = bodyError(body).message;
    throw new SentinelTransientError(
      "server_error",
      `Sentinel at ${host} answered HTTP ${status}${message ? `: ${message}` : ""}.`,
      status,
    );
  }
  // Whether a batch whose every record is invalid gets a 200 or a 400 is undocumented; per-record reasons win.
  const recordErrors = status === 400 ? recordErrorsSchema.safeParse(parseJson(body)) : undefined;
  if (recordErrors?.success && recordErrors.data.errors.length > 0) return rejectedRecords(recordErrors.data, objects);
  throw new SentinelRequestError(
    "bad_request",
    `Sentinel rejected the request (HTTP ${status}): ${bodyError(body).message ?? "no message in the response body"}.`,
    status,
  );
}

function recordOutcome(body: string, objects: StixObject[], host: string): UploadOutcome {
  if (body.trim() === "") return { accepted: objects.length, rejected: [] };
  const parsed = recordErrorsSchema.safeParse(parseJson(body));
  if (!parsed.success) {
    // Which records landed is unknown; uploads are upserts by id, so sending the batch again is safe.
    throw new SentinelTransientError(
      "unexpected_response",
      `Sentinel at ${host} answered HTTP 200 with a body that is not the documented shape.`,
      200,
      { cause: parsed.error },
    );
  }
  return rejectedRecords(parsed.data, objects);
}

function rejectedRecords(parsed: z.infer<typeof recordErrorsSchema>, objects: StixObject[]): UploadOutcome {
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
