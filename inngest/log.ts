import type { Logger } from "inngest";
import { describeErrorForLog, DomainError, IntegrationError } from "@/server/errors";

/** What the integration-error mapping turns expected failures into (middleware/integration-errors.ts). */
const MAPPED_EXPECTED_FAILURES = new Set(["NonRetriableError", "RetryAfterError"]);
const STEP_ERROR = "Inngest step error";

function isExpectedFailure(error: unknown): error is Error {
  return (
    error instanceof IntegrationError ||
    error instanceof DomainError ||
    (error instanceof Error && MAPPED_EXPECTED_FAILURES.has(error.name))
  );
}

const isFields = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type Sink = Pick<Console, "info" | "warn" | "error" | "debug">;

/**
 * The SDK logs every step and function error with its stack. A bad ThreatConnect key or a throttled Sentinel call
 * is an expected outcome the job already records, so it gets one line; anything else keeps its full description
 * (with query parameters redacted by describeErrorForLog).
 */
export function createPipelineLogger(sink: Sink = console): Logger {
  const at =
    (level: keyof Sink) =>
    (...args: unknown[]) => {
      const [fields, message, ...rest] = args;
      if (!isFields(fields) || typeof message !== "string" || !("err" in fields)) {
        sink[level](...args);
        return;
      }
      const { err, ...other } = fields;
      if (!isExpectedFailure(err)) {
        const extra = Object.keys(other).length > 0 ? [other] : [];
        sink[level](`[inngest] ${message}: ${describeErrorForLog(err)}`, ...extra, ...rest);
        return;
      }
      // A step that will not be retried fails its function at once, whose error line says the same thing.
      if (message === STEP_ERROR && err.name === "NonRetriableError") return;
      const outcome = err.name === "NonRetriableError" ? "not retried" : "will retry";
      const text = err instanceof IntegrationError ? describeErrorForLog(err) : `${err.name}: ${err.message}`;
      sink.warn(`[inngest] ${message} (expected, ${outcome}): ${text}`);
    };
  return { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}
