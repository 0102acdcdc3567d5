import { Middleware, NonRetriableError, RetryAfterError } from "inngest";
import { DomainError, IntegrationError } from "@/server/errors";

/**
 * The one place where the pipeline's failures become Inngest's retry decisions: a throttled or transient call
 * to ThreatConnect or Sentinel is retried (after the wait the other side asked for), anything that cannot succeed
 * by trying again (bad credentials, invalid TQL, a job that no longer exists) stops retrying at once.
 */
export function toInngestError(error: unknown): unknown {
  if (error instanceof IntegrationError) {
    if (!error.retryable) return new NonRetriableError(error.message);
    if (error.retryAfterMs !== undefined) return new RetryAfterError(error.message, Math.max(1, error.retryAfterMs));
    return error;
  }
  if (error instanceof DomainError) return new NonRetriableError(error.message);
  return error;
}

/** Applies {@link toInngestError} to every step attempt of the functions it is added to. */
export class IntegrationErrorMapping extends Middleware.BaseMiddleware {
  readonly id = "integration-error-mapping";

  override async wrapStepHandler({ next }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
    try {
      return await next();
    } catch (error) {
      throw toInngestError(error);
    }
  }
}
