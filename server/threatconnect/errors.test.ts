import { describe, expect, it } from "vitest";
import { IntegrationError } from "@/server/errors";
import { backoffDelay } from "./transport";
import { errorFromResponse, parseRetryAfter, ThreatConnectError } from "./errors";

describe("errorFromResponse", () => {
  it.each([
    [401, "Signature data did not match expected result", true, "auth", false],
    [401, "Invalid timestamp", false, "clock_skew", false],
    [400, "Invalid TQL at position 3", true, "invalid_tql", false],
    [400, "resultLimit must be an integer", false, "bad_request", false],
    [403, undefined, false, "permission", false],
    [404, undefined, false, "not_found", false],
    [429, undefined, false, "rate_limited", true],
    [503, "API access has not been licensed for this system", false, "not_licensed", false],
    [503, "Service Unavailable", false, "transient", true],
    [502, undefined, false, "transient", true],
    [418, undefined, false, "bad_response", false],
    // Real instances answer a bad secret with 400 too; the message decides before the status.
    [400, "Signature data did not match expected result", true, "auth", false],
    [400, "Timestamp out of acceptable time range", true, "clock_skew", false],
    [400, "Invalid timestamp", false, "clock_skew", false],
    [400, "Access Denied", true, "auth", false],
    [403, "Signature data did not match expected result", false, "auth", false],
  ] as const)("HTTP %i %s → %s", (status, message, hadTql, code, retryable) => {
    const error = errorFromResponse(status, message, { hadTql });
    expect(error).toMatchObject({ code, status, retryable });
    if (message) expect(error.message).toContain(message);
  });
});

describe("ThreatConnectError", () => {
  it("is an IntegrationError of ThreatConnect, pointing TQL errors at the tql field", () => {
    const error = errorFromResponse(400, "Invalid TQL at position 3", { hadTql: true });
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({ integration: "threatconnect", code: "invalid_tql", field: "tql", retryable: false });
    expect(new ThreatConnectError("auth", "x").field).toBeUndefined();
  });

  it("carries the server's Retry-After on 429 and 503 only", () => {
    expect(errorFromResponse(429, undefined, { hadTql: false, retryAfterMs: 7000 }).retryAfterMs).toBe(7000);
    expect(errorFromResponse(503, "Busy", { hadTql: false, retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
    expect(errorFromResponse(500, "Boom", { hadTql: false, retryAfterMs: 2000 }).retryAfterMs).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("reads delay-seconds and HTTP dates, ignores garbage and caps long waits", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("86400", now)).toBe(600_000);
  });
});

describe("backoffDelay", () => {
  const retry = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };

  it("grows exponentially up to the cap, with full jitter", () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(retry, attempt, () => 0.999_999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(retry, 4, () => 0.5)).toBe(400);
    expect(backoffDelay(retry, 4, () => 0)).toBe(0);
  });
});
