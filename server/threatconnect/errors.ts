import { IntegrationError } from "@/server/errors";

export const THREATCONNECT_ERROR_CODES = [
  "auth",
  "clock_skew",
  "invalid_tql",
  "bad_request",
  "permission",
  "not_licensed",
  "not_found",
  "rate_limited",
  "transient",
  "bad_response",
  "response_too_large",
  "too_many_pages",
  "timeout",
  "network",
  "destination_refused",
] as const;

export type ThreatConnectErrorCode = (typeof THREATCONNECT_ERROR_CODES)[number];

const RETRYABLE_CODES: ReadonlySet<ThreatConnectErrorCode> = new Set([
  "rate_limited",
  "transient",
  "timeout",
  "network",
]);

/** Messages are written to be shown to a portal user as they are, so they never contain the secret key. */
export class ThreatConnectError extends IntegrationError {
  readonly integration = "threatconnect";
  readonly code: ThreatConnectErrorCode;
  readonly status?: number;
  readonly retryable: boolean;

  constructor(
    code: ThreatConnectErrorCode,
    message: string,
    options: { status?: number; cause?: unknown; retryAfterMs?: number; field?: string } = {},
  ) {
    super(message, {
      cause: options.cause,
      retryAfterMs: options.retryAfterMs,
      field: options.field ?? (code === "invalid_tql" ? "tql" : undefined),
    });
    this.code = code;
    this.status = options.status;
    this.retryable = RETRYABLE_CODES.has(code);
  }
}

const NOT_LICENSED_PATTERN = /not been licensed/i;
const BAD_SIGNATURE_PATTERN = /signature data did not match expected result/i;
const CLOCK_PATTERN = /timestamp out of acceptable time range|invalid timestamp/i;
const ACCESS_DENIED_PATTERN = /^\s*access denied\b/i;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** `Retry-After` in delay-seconds or as an HTTP date, capped so a hostile or broken server cannot park a job for days. */
export function parseRetryAfter(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const milliseconds = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (!Number.isFinite(milliseconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, milliseconds));
}

/**
 * Turns a ThreatConnect error response into the typed error, keeping ThreatConnect's own message. Real instances
 * answer bad credentials with 400 as well as 401, so the authentication and clock messages decide first on any 4xx.
 */
export function errorFromResponse(
  status: number,
  serverMessage: string | undefined,
  context: { hadTql: boolean; retryAfterMs?: number },
): ThreatConnectError {
  const detail = serverMessage ? `: ${serverMessage}` : "";
  const isClientError = status >= 400 && status < 500;
  if (isClientError && serverMessage && CLOCK_PATTERN.test(serverMessage)) {
    return new ThreatConnectError(
      "clock_skew",
      `ThreatConnect rejected the request timestamp (HTTP ${status})${detail}. Check that this server's clock is within 5 minutes of ThreatConnect's.`,
      { status },
    );
  }
  const isAuthMessage =
    serverMessage !== undefined &&
    (BAD_SIGNATURE_PATTERN.test(serverMessage) || ACCESS_DENIED_PATTERN.test(serverMessage));
  if (status === 401 || (isClientError && isAuthMessage)) {
    return new ThreatConnectError(
      "auth",
      `ThreatConnect rejected the credentials (HTTP ${status})${detail}. Check the Access ID and Secret Key.`,
      { status },
    );
  }
  if (status === 400) {
    return context.hadTql
      ? new ThreatConnectError("invalid_tql", `ThreatConnect rejected the TQL query${detail}`, { status })
      : new ThreatConnectError("bad_request", `ThreatConnect rejected the request (HTTP 400)${detail}`, { status });
  }
  if (status === 403) {
    return new ThreatConnectError(
      "permission",
      `The API user may not access this owner or resource (HTTP 403)${detail}`,
      { status },
    );
  }
  if (status === 404) {
    return new ThreatConnectError("not_found", `ThreatConnect returned 404 Not Found${detail}. Check the base URL.`, {
      status,
    });
  }
  if (status === 429) {
    return new ThreatConnectError("rate_limited", `ThreatConnect is rate limiting requests (HTTP 429)${detail}`, {
      status,
      retryAfterMs: context.retryAfterMs,
    });
  }
  if (status === 503 && serverMessage && NOT_LICENSED_PATTERN.test(serverMessage)) {
    return new ThreatConnectError("not_licensed", `The ThreatConnect API is not licensed on this instance${detail}`, {
      status,
    });
  }
  if (status >= 500) {
    return new ThreatConnectError("transient", `ThreatConnect had a server error (HTTP ${status})${detail}`, {
      status,
      retryAfterMs: status === 503 ? context.retryAfterMs : undefined,
    });
  }
  return new ThreatConnectError("bad_response", `ThreatConnect answered with unexpected HTTP ${status}${detail}`, {
    status,
  });
}
