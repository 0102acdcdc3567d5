import { DrizzleQueryError } from "drizzle-orm";

export type DomainErrorCode =
  "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "BAD_REQUEST" | "PRECONDITION_FAILED" | "TOO_MANY_REQUESTS";

/**
 * An expected failure with a message fit for the user. `field` names the input the message is about, so forms
 * can show it next to that field exactly like a validation error.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);

export type IntegrationName = "threatconnect" | "sentinel";

/**
 * A failure talking to ThreatConnect or Sentinel. Every client raises a subclass, so callers decide from these
 * fields alone: requests show the message, the pipeline retries when `retryable` (after `retryAfterMs` when the
 * other side said how long) and gives up otherwise. Messages are written for the user and never hold secrets.
 */
export abstract class IntegrationError extends Error {
  abstract readonly integration: IntegrationName;
  /** A stable machine-readable reason, e.g. "auth", "throttled", "invalid_tql". */
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  /** How long the other side asked us to wait before trying again, when it said. */
  readonly retryAfterMs?: number;
  /** The input field the failure is about (e.g. "tql", "clientSecret"), so forms can show it there. */
  readonly field?: string;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number; field?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }
}

/**
 * An error for the server log: an integration failure as one line, anything else with its stack and causes. A
 * failed drizzle query's message lists its bound parameters (credential ciphertexts, token and password hashes),
 * and wrappers such as TRPCError copy that message, so wherever it appears only its SQL text is kept.
 */
export function describeErrorForLog(error: unknown): string {
  // An expected failure of ThreatConnect or Sentinel: its message is written for people and its stack adds nothing.
  if (error instanceof IntegrationError) {
    return `${error.integration} ${error.code}${error.retryable ? " (retryable)" : ""}: ${error.message}`;
  }
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 5) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  const redactions = chain.flatMap((link) =>
    link instanceof DrizzleQueryError ? [{ unsafe: link.message, safe: `Failed query: ${link.query}` }] : [],
  );
  const redact = (text: string) =>
    redactions.reduce((result, { unsafe, safe }) => result.replaceAll(unsafe, safe), text);
  return chain
    .map((link) => (link instanceof Error ? redact(link.stack ?? `${link.name}: ${link.message}`) : String(link)))
    .join("\nCaused by: ");
}
