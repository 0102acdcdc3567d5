import http from "node:http";
import https from "node:https";
import { errorBodySchema } from "./schemas";
import { errorFromResponse, ThreatConnectError } from "./errors";
import { parseThreatConnectJson } from "./json";
import { signRequest } from "./sign-request";

export type RetryPolicy = {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export type TransportOptions = {
  accessId: string;
  secretKey: string;
  timeoutMs: number;
  retry: RetryPolicy;
  now: () => Date;
  random?: () => number;
};

type RawResponse = { status: number; body: string };

class SocketTimeout extends Error {
  constructor(readonly phase: "connect" | "read") {
    super(`timed out while ${phase === "connect" ? "connecting" : "waiting for data"}`);
  }
}

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
  getJson(url: URL, context: { hadTql: boolean; signal?: AbortSignal }): Promise<unknown>;
};

export function createTransport(options: TransportOptions): Transport {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const random = options.random ?? Math.random;

  async function attempt(url: URL, context: { hadTql: boolean; signal?: AbortSignal }): Promise<unknown> {
    const requestTarget = `${url.pathname}${url.search}`;
    const headers = {
      ...signRequest({
        accessId: options.accessId,
        secretKey: options.secretKey,
        method: "GET",
        requestTarget,
        timestamp: options.now().getTime() / 1000,
      }),
      Accept: "application/json",
    };
    const agent = url.protocol === "https:" ? httpsAgent : httpAgent;
    let response: RawResponse;
    try {
      response = await send(url, headers, agent, options.timeoutMs, context.signal);
    } catch (error) {
      throw toTransportError(error, url, options.timeoutMs, context.signal);
    }
    return interpret(response, context);
  }

  return {
    async getJson(url, context) {
      for (let attemptNumber = 1; ; attemptNumber++) {
        try {
          return await attempt(url, context);
        } catch (error) {
          const isFinal =
            !(error instanceof ThreatConnectError) ||
            !error.retryable ||
            attemptNumber >= options.retry.maxAttempts ||
            context.signal?.aborted === true;
          if (isFinal) throw error;
          await delay(backoffDelay(options.retry, attemptNumber, random), context.signal);
        }
      }
    },
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
  url: URL,
  headers: Record<string, string>,
  agent: http.Agent,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<RawResponse> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: "GET",
      headers,
      agent,
      signal,
    });
    // Node's request timeout only starts once connected, so the connect phase needs its own timer.
    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => request.destroy(new SocketTimeout("connect")), timeoutMs);
      socket.once("connect", () => clearTimeout(connectTimer));
      socket.once("close", () => clearTimeout(connectTimer));
    });
    request.setTimeout(timeoutMs, () => request.destroy(new SocketTimeout("read")));
    request.on("error", reject);
    request.on("response", (response) => {
      response.setEncoding("utf8");
      let body = "";
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("error", reject);
      // A connection cut mid-body ends the stream without "end"; without this the promise would never settle.
      response.on("close", () => {
        if (!response.complete)
          reject(
            Object.assign(new Error("connection closed mid-response"), {
              code: "ECONNRESET",
            }),
          );
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.end();
  });
}

function toTransportError(error: unknown, url: URL, timeoutMs: number, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof SocketTimeout) {
    return new ThreatConnectError(
      "timeout",
      `ThreatConnect at ${url.host} ${error.message} (no progress for ${timeoutMs} ms)`,
      { cause: error },
    );
  }
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
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

function interpret(response: RawResponse, context: { hadTql: boolean }): unknown {
  let parsed: unknown;
  let isJson = true;
  try {
    parsed = parseThreatConnectJson(response.body);
  } catch {
    isJson = false;
  }
  if (response.status < 200 || response.status >= 300) {
    const errorBody = isJson ? errorBodySchema.safeParse(parsed) : undefined;
    throw errorFromResponse(response.status, errorBody?.success ? errorBody.data.message : undefined, context);
  }
  if (!isJson) {
    throw new ThreatConnectError(
      "bad_response",
      `ThreatConnect answered HTTP ${response.status} with a body that is not JSON. Check the base URL.`,
      { status: response.status },
    );
  }
  return parsed;
}
