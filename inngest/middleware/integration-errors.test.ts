import { NonRetriableError, RetryAfterError } from "inngest";
import { describe, expect, it } from "vitest";
import { DomainError, IntegrationError } from "@/server/errors";
import { toInngestError } from "./integration-errors";

class FakeIntegrationError extends IntegrationError {
  readonly integration = "sentinel" as const;
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    retryAfterMs?: number,
  ) {
    super(`sentinel said ${code}`, { retryAfterMs });
  }
}

describe("toInngestError", () => {
  it("turns a throttled call into RetryAfterError with the wait the other side asked for", () => {
    const mapped = toInngestError(new FakeIntegrationError("throttled", true, 7000));
    expect(mapped).toBeInstanceOf(RetryAfterError);
    // The SDK sends the wait as Retry-After seconds.
    expect((mapped as RetryAfterError).retryAfter).toBe("7");
    expect((mapped as RetryAfterError).message).toBe("sentinel said throttled");
  });

  it("leaves a transient failure without a stated wait to Inngest's backoff", () => {
    const error = new FakeIntegrationError("server_error", true);
    expect(toInngestError(error)).toBe(error);
  });

  it("stops retrying a failure that cannot succeed later", () => {
    const mapped = toInngestError(new FakeIntegrationError("auth", false));
    expect(mapped).toBeInstanceOf(NonRetriableError);
    expect((mapped as Error).message).toBe("sentinel said auth");
  });

  it("stops retrying a domain refusal such as a job that no longer exists", () => {
    expect(toInngestError(new DomainError("NOT_FOUND", "Job not found"))).toBeInstanceOf(NonRetriableError);
  });

  it("passes unexpected errors through for Inngest's ordinary retries", () => {
    const error = new Error("connection reset");
    expect(toInngestError(error)).toBe(error);
  });
});
