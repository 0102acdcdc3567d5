import { randomUUID } from "node:crypto";
import type { EmulatorDirectory } from "./directory";
import type { AccessTokenClaims, EmulatorResponse, TokenAuthority } from "./entra";
import { validateStixObject, type UploadApi } from "./stix-validation";

export const API_VERSIONS: Record<UploadApi, string> = {
  "stix-objects": "2024-02-01-preview",
  "legacy-indicators": "2022-07-01",
};
const ARRAY_FIELD: Record<UploadApi, "stixobjects" | "indicators"> = {
  "stix-objects": "stixobjects",
  "legacy-indicators": "indicators",
};
// The 2024 Swagger names the per-record field validationErrorMessages, the legacy docs errorMessages.
const ERROR_MESSAGES_FIELD: Record<UploadApi, "validationErrorMessages" | "errorMessages"> = {
  "stix-objects": "validationErrorMessages",
  "legacy-indicators": "errorMessages",
};
export const DEFAULT_ACCEPTED_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
  "https://management.usgovcloudapi.net/",
  "https://management.usgovcloudapi.net",
];
export const MAX_OBJECTS_PER_REQUEST = 100;
export const REQUESTS_PER_MINUTE = 100;
const MAX_SOURCESYSTEM_LENGTH = 256;
const GUID = /^[{]?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}[}]?$/;

export type StoredObject = {
  workspaceId: string;
  sourcesystem: string;
  api: UploadApi;
  object: Record<string, unknown>;
  firstStoredAt: string;
  lastStoredAt: string;
  revision: number;
};

export type SourceCount = { workspaceId: string; sourcesystem: string; objects: number; revoked: number };

/** Sentinel's identity of an object is base64(sourcesystem) + '---' + STIX id: same id under another source is another object. */
export class ThreatIntelligenceStore {
  private readonly objects = new Map<string, StoredObject>();

  upsert(entry: Omit<StoredObject, "firstStoredAt" | "revision">): void {
    const id = String(entry.object.id);
    const key = `${entry.workspaceId}|${Buffer.from(entry.sourcesystem).toString("base64")}---${id}`;
    const previous = this.objects.get(key);
    this.objects.set(key, {
      ...entry,
      firstStoredAt: previous?.firstStoredAt ?? entry.lastStoredAt,
      revision: (previous?.revision ?? 0) + 1,
    });
  }

  list(filter: { workspaceId?: string; sourcesystem?: string } = {}): StoredObject[] {
    return [...this.objects.values()].filter(
      (entry) =>
        (filter.workspaceId === undefined || entry.workspaceId === filter.workspaceId) &&
        (filter.sourcesystem === undefined || entry.sourcesystem === filter.sourcesystem),
    );
  }

  counts(): SourceCount[] {
    const counts = new Map<string, SourceCount>();
    for (const entry of this.objects.values()) {
      const key = `${entry.workspaceId}|${entry.sourcesystem}`;
      const count = counts.get(key) ?? {
        workspaceId: entry.workspaceId,
        sourcesystem: entry.sourcesystem,
        objects: 0,
        revoked: 0,
      };
      count.objects += 1;
      if (entry.object.revoked === true) count.revoked += 1;
      counts.set(key, count);
    }
    return [...counts.values()];
  }

  clear(): void {
    this.objects.clear();
  }
}

/** "100 requests per minute per user", as a sliding window per calling principal. */
export class PrincipalThrottle {
  private readonly accepted = new Map<string, number[]>();
  constructor(private readonly minuteMs: number) {}

  /** Records the request and returns 0, or the whole seconds until the principal may call again. */
  admit(principal: string, nowMs: number): number {
    const windowStart = nowMs - this.minuteMs;
    const recent = (this.accepted.get(principal) ?? []).filter((at) => at > windowStart);
    const oldest = recent[0];
    if (recent.length >= REQUESTS_PER_MINUTE && oldest !== undefined) {
      this.accepted.set(principal, recent);
      return Math.max(1, Math.ceil((oldest + this.minuteMs - nowMs) / 1000));
    }
    recent.push(nowMs);
    this.accepted.set(principal, recent);
    return 0;
  }

  clear(): void {
    this.accepted.clear();
  }
}

export function throttledResponse(retryAfterSeconds: number, sendRetryAfterHeader: boolean): EmulatorResponse {
  return {
    status: 429,
    body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` },
    ...(sendRetryAfterHeader ? { headers: { "retry-after": String(retryAfterSeconds) } } : {}),
  };
}

export const UNAUTHORIZED: EmulatorResponse = {
  status: 401,
  body: { statusCode: 401, message: "Unauthorized. Access token is missing or invalid." },
};

/** The body peers report for a caller without Microsoft Sentinel Contributor (misp2sentinel issue 154). */
export function missingRoleResponse(
  status: 401 | 403,
  caller: { objectId: string; workspaceId: string },
): EmulatorResponse {
  return {
    status,
    body: {
      error: {
        code: "UnauthorizedAccess",
        message: `The Object ID '${caller.objectId}' does not have required permission to perform 'Microsoft.SecurityInsights/threatintelligence/write' on workspace '${caller.workspaceId}'.`,
      },
    },
  };
}

export function internalServerError(): EmulatorResponse {
  return { status: 500, body: { statusCode: 500, message: "Internal server error", activityId: randomUUID() } };
}

function badRequest(message: string, code = "InvalidRequestBodyProperty(RequestBody)"): EmulatorResponse {
  return { status: 400, body: { error: { code, message, details: [], target: null, additionalInfo: null } } };
}

export type UploadContext = {
  directory: EmulatorDirectory;
  authority: TokenAuthority;
  store: ThreatIntelligenceStore;
  throttle: PrincipalThrottle;
  acceptedAudiences: readonly string[];
  sendRetryAfterHeader: boolean;
  missingRoleStatus: 401 | 403;
  allInvalidStatus: 200 | 400;
  refusedPatternValues: readonly string[];
  now: Date;
};

export type UploadRequest = {
  api: UploadApi;
  workspaceId: string;
  apiVersion: string | null;
  authorization: string | undefined;
  rawBody: string;
};

export type UploadOutcome = {
  response: EmulatorResponse;
  principal?: string;
  sourcesystem?: string;
  objectCount?: number;
  rejectedCount?: number;
};

async function authenticate(
  context: UploadContext,
  authorization: string | undefined,
): Promise<AccessTokenClaims | undefined> {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  try {
    return await context.authority.verify(match[1], context.acceptedAudiences);
  } catch {
    return undefined;
  }
}

/** The refusedPatternValues fault: a valid indicator whose pattern names a refused value is refused alone. */
function refusal(record: unknown, refusedValues: readonly string[]): string[] {
  const pattern = (record as { pattern?: unknown }).pattern;
  if (typeof pattern !== "string" || !refusedValues.some((value) => pattern.includes(value))) return [];
  return [
    `Error for Property=pattern: The workspace refused this indicator (emulator fault refusedPatternValues). Actual value: ${pattern}.`,
  ];
}

/** Checks in the order a gateway would: token, rate limit, workspace, role, then the body and each record. */
export async function handleUpload(context: UploadContext, request: UploadRequest): Promise<UploadOutcome> {
  const claims = await authenticate(context, request.authorization);
  if (!claims) return { response: UNAUTHORIZED };
  const principal = `${claims.tid}/${claims.appid}`;

  const retryAfterSeconds = context.throttle.admit(principal, context.now.getTime());
  if (retryAfterSeconds > 0)
    return { principal, response: throttledResponse(retryAfterSeconds, context.sendRetryAfterHeader) };

  if (request.apiVersion !== API_VERSIONS[request.api]) {
    return {
      principal,
      response: badRequest(
        `The api-version '${request.apiVersion ?? ""}' is invalid. The supported version for this endpoint is '${API_VERSIONS[request.api]}'.`,
        "InvalidApiVersionParameter",
      ),
    };
  }
  if (!GUID.test(request.workspaceId)) {
    return {
      principal,
      response: badRequest(
        `The workspace id '${request.workspaceId}' is not a GUID. Use the Log Analytics Workspace ID.`,
        "InvalidWorkspaceId",
      ),
    };
  }
  const workspaceId = request.workspaceId.replace(/[{}]/g, "").toLowerCase();
  const workspace = context.directory.workspaces.find(
    (candidate) => candidate.workspaceId.toLowerCase() === workspaceId,
  );
  if (!workspace) {
    return {
      principal,
      response: {
        status: 404,
        body: { error: { code: "WorkspaceNotFound", message: `Workspace '${request.workspaceId}' was not found.` } },
      },
    };
  }
  if (workspace.tenantId !== claims.tid || !workspace.sentinelContributors.includes(claims.appid)) {
    return {
      principal,
      response: missingRoleResponse(context.missingRoleStatus, {
        objectId: claims.oid,
        workspaceId: request.workspaceId,
      }),
    };
  }

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    return { principal, response: badRequest("Body of the request is not in valid JSON format.") };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { principal, response: badRequest("Body of the request must be a JSON object.") };
  }
  const fields = body as Record<string, unknown>;
  const sourcesystem = fields.sourcesystem;
  if (typeof sourcesystem !== "string" || sourcesystem.trim() === "") {
    return { principal, response: badRequest("The sourcesystem property is required.") };
  }
  if (sourcesystem.length > MAX_SOURCESYSTEM_LENGTH) {
    return {
      principal,
      sourcesystem,
      response: badRequest(`Source system name is too long. Maximum length is ${MAX_SOURCESYSTEM_LENGTH} characters.`),
    };
  }
  if (sourcesystem.trim().toLowerCase() === "microsoft sentinel") {
    return { principal, sourcesystem, response: badRequest("Source system name cannot be Microsoft Sentinel.") };
  }
  const arrayField = ARRAY_FIELD[request.api];
  const records = fields[arrayField];
  if (!Array.isArray(records)) {
    return {
      principal,
      sourcesystem,
      response: badRequest(`The ${arrayField} property is required and must be an array.`),
    };
  }
  if (records.length > MAX_OBJECTS_PER_REQUEST) {
    return {
      principal,
      sourcesystem,
      objectCount: records.length,
      response: badRequest(
        `The request contains ${records.length} objects. The maximum is ${MAX_OBJECTS_PER_REQUEST} objects per request.`,
      ),
    };
  }

  const errors: Record<string, unknown>[] = [];
  records.forEach((record: unknown, recordIndex) => {
    const messages = validateStixObject(record, request.api);
    if (messages.length === 0) messages.push(...refusal(record, context.refusedPatternValues));
    if (messages.length > 0) {
      errors.push({ recordIndex, [ERROR_MESSAGES_FIELD[request.api]]: messages });
      return;
    }
    context.store.upsert({
      workspaceId: workspace.workspaceId,
      sourcesystem,
      api: request.api,
      object: record as Record<string, unknown>,
      lastStoredAt: context.now.toISOString(),
    });
  });
  return {
    principal,
    sourcesystem,
    objectCount: records.length,
    rejectedCount: errors.length,
    response:
      errors.length === 0
        ? { status: 200 }
        : { status: errors.length === records.length ? context.allInvalidStatus : 200, body: { errors } },
  };
}
