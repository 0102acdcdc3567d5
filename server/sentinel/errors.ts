export abstract class SentinelError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** HTTP 429: wait `retryAfterSeconds`, then send the same batch again. */
export class SentinelThrottledError extends SentinelError {
  readonly retryable = true;
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super("throttled", message);
  }
}

/** Entra ID refused the credentials, or Sentinel refused a freshly issued token. */
export class SentinelAuthError extends SentinelError {
  readonly retryable = false;
}

/** The connection settings are wrong; the message says what to change. */
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
    options?: { cause?: unknown },
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
  ) {
    super(code, message);
  }
}
