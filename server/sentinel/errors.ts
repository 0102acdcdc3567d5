import { IntegrationError } from "@/server/errors";

/** The service settings a Sentinel failure can be about, named as the service form names them. */
export type SentinelSettingField =
  "tenantId" | "clientId" | "clientSecret" | "workspaceId" | "azureCloud" | "sentinelApi" | "sourceName";

type SentinelErrorOptions = { cause?: unknown; retryAfterMs?: number; field?: SentinelSettingField };

/**
 * Every failure of the Sentinel client. Callers read the IntegrationError fields (code, retryable, retryAfterMs,
 * field); the subclasses only group the codes for readers of this folder.
 */
export abstract class SentinelError extends IntegrationError {
  readonly integration = "sentinel" as const;
  declare readonly field?: SentinelSettingField;
  constructor(
    readonly code: string,
    message: string,
    options: SentinelErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** HTTP 429: wait `retryAfterMs`, then send the same batch again. */
export class SentinelThrottledError extends SentinelError {
  readonly retryable = true;
  declare readonly retryAfterMs: number;
  constructor(retryAfterMs: number, message: string) {
    super("throttled", message, { retryAfterMs });
  }
}

/** Entra ID refused the credentials, or Sentinel refused a freshly issued token. */
export class SentinelAuthError extends SentinelError {
  readonly retryable = false;
}

/** The connection settings (or the role assignment) are wrong; the message says what to change. */
export class SentinelConfigError extends SentinelError {
  readonly retryable = false;
}

/** Server errors, timeouts and dropped connections: the same request may succeed later. */
export class SentinelTransientError extends SentinelError {
  readonly retryable = true;
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options: SentinelErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** Sentinel rejected the request itself (HTTP 400), or it was refused before sending. */
export class SentinelRequestError extends SentinelError {
  readonly retryable = false;
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options: SentinelErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
