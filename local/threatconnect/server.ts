import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ApiError, createApiRoutes, jsonObject } from "./api-routes";
import {
  apiUserSchema,
  indicatorChangesSchema,
  newIndicatorSchema,
  partialFaultsSchema,
  recordRequest,
  type ApiUser,
  type EmulatorControl,
  type RequestLogEntry,
} from "./control";
import { nextFaultAction, type Faults } from "./faults";
import { verifyHmac } from "./hmac";
import type { IndicatorStore } from "./store";
import { InvalidIndicatorError } from "./values";

export const CONTROL_PREFIX = "/_emulator";
const MAX_CONTROL_BODY_BYTES = 1_000_000;
const MAX_API_BODY_BYTES = 1_000_000;
const NOT_LICENSED_MESSAGE =
  "API access has not been licensed for this system, please contact sales@threatconnect.com if you wish to enable it";

export function isLoopbackAddress(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendFragments(response, status, [JSON.stringify(body)]);
}

function sendFragments(response: ServerResponse, status: number, fragments: Iterable<string>): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  for (const fragment of fragments) response.write(fragment);
  response.end();
}

function sendError(response: ServerResponse, status: number, message: string): void {
  send(response, status, { status: "Error", message });
}

export type HandlerState = {
  store: IndicatorStore;
  faults: Faults;
  apiUsers: Map<string, ApiUser>;
  log: RequestLogEntry[];
  control: EmulatorControl;
  random: () => number;
  now: () => Date;
  pendingTimers: Set<NodeJS.Timeout>;
};

export function createRequestHandler(state: HandlerState) {
  const route = createApiRoutes(state.store, state.now);

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    rawTarget: string,
    method: string,
  ): Promise<void> {
    const body = await readText(request, MAX_API_BODY_BYTES);
    const action = nextFaultAction(state.faults, state.random);
    if (action === "reset") {
      recordRequest(state.log, { method, target: rawTarget, status: 0 });
      request.socket.destroy();
      return;
    }
    const respond = (status: number, fragments: Iterable<string>) => {
      recordRequest(state.log, { method, target: rawTarget, status, ...(body ? { body } : {}) });
      sendFragments(response, status, fragments);
    };
    const respondError = (status: number, message: string) => respond(status, jsonObject({ status: "Error", message }));
    if (action === "error") return respondError(state.faults.errorStatus, "Internal Server Error");
    if (state.faults.notLicensed) return respondError(503, NOT_LICENSED_MESSAGE);
    const verdict = verifyHmac({
      authorization: request.headers.authorization,
      timestamp: headerValue(request.headers.timestamp),
      method,
      rawTarget,
      nowSeconds: Math.floor(state.now().getTime() / 1000),
      userFor: (accessId) => state.apiUsers.get(accessId),
      badSignatureStatus: state.faults.badSignatureStatus,
    });
    if (!verdict.ok) return respondError(verdict.status, verdict.message);
    try {
      const queryIndex = rawTarget.indexOf("?");
      const rawQuery = queryIndex === -1 ? "" : rawTarget.slice(queryIndex + 1);
      const result = route({
        method,
        path: queryIndex === -1 ? rawTarget : rawTarget.slice(0, queryIndex),
        rawQuery: body ? withBodyParameters(rawQuery, body) : rawQuery,
        origin: `http://${request.headers.host ?? "127.0.0.1"}`,
        ownerIds: verdict.user.ownerIds,
        malformedIds: new Set(state.faults.malformedIndicatorIds),
      });
      respond(result.status, result.body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      respondError(error.status, error.message);
    }
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, path: string, method: string) {
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      return sendError(response, 403, "The emulator control API only answers loopback callers");
    }
    const body = method === "POST" || method === "PUT" || method === "PATCH" ? await readJson(request) : undefined;
    const indicatorPath = /^\/_emulator\/indicators\/(\d+)$/.exec(path);
    const { control } = state;
    if (method === "POST" && path === `${CONTROL_PREFIX}/indicators`) {
      return send(response, 201, {
        data: control.addIndicator(newIndicatorSchema.parse(body)),
      });
    }
    if (method === "PATCH" && indicatorPath?.[1]) {
      return send(response, 200, {
        data: control.modifyIndicator(indicatorPath[1], indicatorChangesSchema.parse(body)),
      });
    }
    if (method === "DELETE" && indicatorPath?.[1]) {
      control.deleteIndicator(indicatorPath[1]);
      return send(response, 200, { status: "Success" });
    }
    if (method === "PUT" && path === `${CONTROL_PREFIX}/faults`) {
      return send(response, 200, {
        data: control.setFaults(partialFaultsSchema.parse(body)),
      });
    }
    if (method === "POST" && path === `${CONTROL_PREFIX}/api-users`) {
      control.addApiUser(apiUserSchema.parse(body));
      return send(response, 201, { status: "Success" });
    }
    if (method === "POST" && path === `${CONTROL_PREFIX}/reset`) {
      control.reset();
      return send(response, 200, { status: "Success" });
    }
    if (method === "GET" && path === `${CONTROL_PREFIX}/state`) {
      return send(response, 200, {
        data: {
          indicators: control.indicatorCount(),
          faults: state.faults,
          requests: control.requestLog().length,
        },
      });
    }
    return sendError(response, 404, `No control endpoint ${method} ${path}`);
  }

  return function handle(request: IncomingMessage, response: ServerResponse): void {
    const rawTarget = request.url ?? "/";
    const method = (request.method ?? "GET").toUpperCase();
    const path = rawTarget.split("?")[0] ?? "/";
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      handleControl(request, response, path, method).catch((error: unknown) => {
        if (error instanceof z.ZodError) {
          const issue = error.issues[0];
          // An issue about the body as a whole has an empty path.
          const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
          return sendError(response, 400, `${field}: ${issue?.message ?? "invalid"}`);
        }
        if (error instanceof InvalidIndicatorError || error instanceof SyntaxError)
          return sendError(response, 400, error.message);
        sendError(response, 500, error instanceof Error ? error.message : "control request failed");
      });
      return;
    }
    const run = () => {
      handleApi(request, response, rawTarget, method).catch((error: unknown) => {
        if (error instanceof InvalidIndicatorError) return sendError(response, 400, error.message);
        sendError(response, 500, error instanceof Error ? error.message : "emulator failure");
      });
    };
    if (state.faults.latencyMs === 0) return run();
    const timer = setTimeout(() => {
      state.pendingTimers.delete(timer);
      if (!request.socket.destroyed) run();
    }, state.faults.latencyMs);
    state.pendingTimers.add(timer);
    request.socket.once("close", () => {
      clearTimeout(timer);
      state.pendingTimers.delete(timer);
    });
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readText(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new InvalidIndicatorError(`body: larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * GET parameters sent as a JSON body `{"data": {...}}` (tcex's form for queries of 2,000 characters or more; only
 * the path is then signed), added to those in the query string. A list value is a repeated parameter.
 */
export function withBodyParameters(rawQuery: string, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidIndicatorError('body: not valid JSON; GET parameters in a body are {"data": {...}}');
  }
  const data = typeof parsed === "object" && parsed !== null ? (parsed as { data?: unknown }).data : undefined;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidIndicatorError('body: GET parameters in a body must be {"data": {...}}');
  }
  const params = new URLSearchParams(rawQuery);
  for (const [key, value] of Object.entries(data)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
        throw new InvalidIndicatorError(`body: parameter "${key}" must be a string, number, boolean or a list of them`);
      }
      params.append(key, String(item));
    }
  }
  return params.toString();
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readText(request, MAX_CONTROL_BODY_BYTES);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidIndicatorError("body: not valid JSON");
  }
}
