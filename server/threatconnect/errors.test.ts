import { describe, expect, it } from "vitest";
import { backoffDelay } from "./transport";
import { errorFromResponse } from "./errors";

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
  ] as const)("HTTP %i %s → %s", (status, message, hadTql, code, retryable) => {
    const error = errorFromResponse(status, message, { hadTql });
    expect(error).toMatchObject({ code, status, retryable });
    if (message) expect(error.message).toContain(message);
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
