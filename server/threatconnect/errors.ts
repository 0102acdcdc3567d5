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
  "timeout",
  "network",
] as const;

export type ThreatConnectErrorCode = (typeof THREATCONNECT_ERROR_CODES)[number];

const RETRYABLE_CODES: ReadonlySet<ThreatConnectErrorCode> = new Set([
  "rate_limited",
  "transient",
  "timeout",
  "network",
]);

/** Messages are written to be shown to a portal user as they are, so they never contain the secret key. */
export class ThreatConnectError extends Error {
  override readonly name = "ThreatConnectError";
  readonly code: ThreatConnectErrorCode;
  readonly status?: number;
  readonly retryable: boolean;

  constructor(code: ThreatConnectErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = RETRYABLE_CODES.has(code);
  }
}

const NOT_LICENSED_PATTERN = /not been licensed/i;
const CLOCK_SKEW_PATTERN = /timestamp out of acceptable time range|invalid timestamp/i;

/** Turns a ThreatConnect error response into the typed error, keeping ThreatConnect's own message. */
export function errorFromResponse(
  status: number,
  serverMessage: string | undefined,
  context: { hadTql: boolean },
): ThreatConnectError {
  const detail = serverMessage ? `: ${serverMessage}` : "";
  if (status === 401) {
    if (serverMessage && CLOCK_SKEW_PATTERN.test(serverMessage)) {
      return new ThreatConnectError(
        "clock_skew",
        `ThreatConnect rejected the request timestamp${detail}. Check that this server's clock is within 5 minutes of ThreatConnect's.`,
        { status },
      );
    }
    return new ThreatConnectError(
      "auth",
      `ThreatConnect rejected the credentials (HTTP 401)${detail}. Check the Access ID and Secret Key.`,
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
    });
  }
  return new ThreatConnectError("bad_response", `ThreatConnect answered with unexpected HTTP ${status}${detail}`, {
    status,
  });
}
