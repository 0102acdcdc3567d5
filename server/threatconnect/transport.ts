import http from "node:http";
import https from "node:https";
import { errorFromResponse, parseRetryAfter, ThreatConnectError } from "./errors";
import { parseThreatConnectJson } from "./json";
import { errorBodySchema } from "./schemas";
import { signRequest } from "./sign-request";

export type RetryPolicy = {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

/** Agents the requests go through, e.g. one that refuses private addresses at connect time. */
export type OutboundAgents = { http?: http.Agent; https?: https.Agent };

export type TransportOptions = {
  accessId: string;
  secretKey: string;
  /** No progress (connect or data) for this long fails the attempt. */
  timeoutMs: number;
  retry: RetryPolicy;
  now: () => Date;
  maxResponseBytes: number;
  agents?: OutboundAgents;
  random?: () => number;
};

/**
 * From this many characters of encoded query, parameters travel as a JSON body `{"data": {...}}` and only the path is
 * signed, as tcex does (object_collection_abc `_request`), so long TQL never meets a URL length limit.
 */
export const LONG_QUERY_CHARACTERS = 2000;

type RawResponse = { status: number; body: string; retryAfter?: string };
type OutgoingRequest = { url: URL; requestTarget: string; body?: string };

class SocketTimeout extends Error {
  constructor(readonly phase: "connect" | "read") {
    super(`timed out while ${phase === "connect" ? "connecting" : "waiting for data"}`);
  }
}

class ResponseTooLarge extends Error {}

const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "ETIMEDOUT",
]);

export type Transport = {
  getJson(url: URL, signal?: AbortSignal): Promise<unknown>;
  /** A successful body read by `parse` instead of JSON.parse; its SyntaxError is the same "not JSON" refusal. */
  getParsed<T>(url: URL, signal: AbortSignal | undefined, parse: (text: string) => T): Promise<T>;
};

/** The query as the JSON body ThreatConnect accepts for GET; a repeated key (`fields`) becomes a list. */
export function queryAsBody(params: URLSearchParams): string {
  const data: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    data[key] = values.length > 1 || key === "fields" ? values : (values[0] ?? "");
  }
  return JSON.stringify({ data });
}

function outgoing(url: URL): OutgoingRequest {
  if (url.search.length - 1 < LONG_QUERY_CHARACTERS) return { url, requestTarget: `${url.pathname}${url.search}` };
  return {
    url: new URL(`${url.origin}${url.pathname}`),
    requestTarget: url.pathname,
    body: queryAsBody(url.searchParams),
  };
}

export function createTransport(options: TransportOptions): Transport {
  const httpAgent = options.agents?.http ?? new http.Agent({ keepAlive: true });
  const httpsAgent = options.agents?.https ?? new https.Agent({ keepAlive: true });
  const random = options.random ?? Math.random;

  async function attempt<T>(url: URL, signal: AbortSignal | undefined, parse: (text: string) => T): Promise<T> {
    const request = outgoing(url);
    const headers: Record<string, string> = {
      ...signRequest({
        accessId: options.accessId,
        secretKey: options.secretKey,
        method: "GET",
        requestTarget: request.requestTarget,
        timestamp: options.now().getTime() / 1000,
      }),
      Accept: "application/json",
    };
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(request.body));
    }
    const agent = url.protocol === "https:" ? httpsAgent : httpAgent;
    let response: RawResponse;
    try {
      response = await send(request, headers, agent, options, signal);
    } catch (error) {
      throw toTransportError(error, url, options, signal);
    }
    return interpret(response, { hadTql: url.searchParams.has("tql"), now: options.now() }, parse);
  }

  async function getParsed<T>(url: URL, signal: AbortSignal | undefined, parse: (text: string) => T): Promise<T> {
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        return await attempt(url, signal, parse);
      } catch (error) {
        const isFinal =
          !(error instanceof ThreatConnectError) ||
          !error.retryable ||
          attemptNumber >= options.retry.maxAttempts ||
          signal?.aborted === true;
        if (isFinal) throw error;
        const wait = Math.max(backoffDelay(options.retry, attemptNumber, random), error.retryAfterMs ?? 0);
        await delay(wait, signal);
      }
    }
  }

  return {
    getJson: (url, signal) => getParsed(url, signal, parseThreatConnectJson),
    getParsed,
  };
}

/** Full jitter: spreads retries from many workers so a recovering ThreatConnect is not hit in lockstep. */
export function backoffDelay(retry: RetryPolicy, attemptNumber: number, random: () => number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attemptNumber - 1));
  return Math.round(random() * ceiling);
}

/** Waits `ms`, cut short by an abort, which then rejects with the caller's own reason, as a failed request does. */
async function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal?.addEventListener("abort", finish, { once: true });
  });
  signal?.throwIfAborted();
}

function send(
  outgoingRequest: OutgoingRequest,
  headers: Record<string, string>,
  agent: http.Agent,
  options: Pick<TransportOptions, "timeoutMs" | "maxResponseBytes">,
  signal: AbortSignal | undefined,
): Promise<RawResponse> {
  const { url } = outgoingRequest;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: "GET", headers, agent, signal });
    // Node's request timeout only starts once connected, so the connect phase needs its own timer.
    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => request.destroy(new SocketTimeout("connect")), options.timeoutMs);
      socket.once("connect", () => clearTimeout(connectTimer));
      socket.once("close", () => clearTimeout(connectTimer));
    });
    request.setTimeout(options.timeoutMs, () => request.destroy(new SocketTimeout("read")));
    request.on("error", reject);
    request.on("response", (response) => {
      const declared = Number(response.headers["content-length"]);
      // Rejecting before destroying wins over the "closed mid-response" that the destroy also causes.
      const refuseOversized = () => {
        reject(new ResponseTooLarge());
        request.destroy();
      };
      if (declared > options.maxResponseBytes) return refuseOversized();
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > options.maxResponseBytes) refuseOversized();
        else chunks.push(chunk);
      });
      response.on("error", reject);
      // A connection cut mid-body ends the stream without "end"; without this the promise would never settle.
      response.on("close", () => {
        if (!response.complete)
          reject(Object.assign(new Error("connection closed mid-response"), { code: "ECONNRESET" }));
      });
      response.on("end", () => {
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          retryAfter: response.headers["retry-after"],
        });
      });
    });
    request.end(outgoingRequest.body);
  });
}

/** The error code the portal's outbound agents give a refused destination (server/net). */
const OUTBOUND_REFUSED_CODE = "EOUTBOUNDREFUSED";

function toTransportError(
  error: unknown,
  url: URL,
  options: Pick<TransportOptions, "timeoutMs" | "maxResponseBytes">,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof ResponseTooLarge) {
    return new ThreatConnectError(
      "response_too_large",
      `ThreatConnect at ${url.host} sent more than ${options.maxResponseBytes} bytes in one response; ask for smaller pages or fewer fields`,
    );
  }
  if (error instanceof SocketTimeout) {
    return new ThreatConnectError(
      "timeout",
      `ThreatConnect at ${url.host} ${error.message} (no progress for ${options.timeoutMs} ms)`,
      { cause: error },
    );
  }
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
  // The outbound policy refused the address before connecting: asking again reaches the same address.
  if (code === OUTBOUND_REFUSED_CODE) {
    return new ThreatConnectError("destination_refused", error instanceof Error ? error.message : String(error), {
      cause: error,
      field: "threatConnectBaseUrl",
    });
  }
  if (code !== undefined && NETWORK_ERROR_CODES.has(code)) {
    return new ThreatConnectError("network", `Could not reach ThreatConnect at ${url.host} (${code})`, {
      cause: error,
    });
  }
  return new ThreatConnectError(
    "network",
    `Request to ThreatConnect at ${url.host} failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

function interpret<T>(response: RawResponse, context: { hadTql: boolean; now: Date }, parse: (text: string) => T): T {
  if (response.status < 200 || response.status >= 300) {
    let errorBody: unknown;
    try {
      errorBody = parseThreatConnectJson(response.body);
    } catch {
      errorBody = undefined;
    }
    const message = errorBodySchema.safeParse(errorBody);
    throw errorFromResponse(response.status, message.success ? message.data.message : undefined, {
      hadTql: context.hadTql,
      retryAfterMs: parseRetryAfter(response.retryAfter, context.now),
    });
  }
  try {
    return parse(response.body);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ThreatConnectError(
      "bad_response",
      `ThreatConnect answered HTTP ${response.status} with a body that is not JSON. Check the base URL.`,
      { status: response.status },
    );
  }
}
