import { NonRetriableError, RetryAfterError } from "inngest";
import { describe, expect, test } from "vitest";
import { ThreatConnectError } from "@/server/threatconnect/errors";
import { createPipelineLogger } from "./log";
import { toInngestError } from "./middleware/integration-errors";

function recordingSink() {
  const lines: { level: string; args: unknown[] }[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      lines.push({ level, args });
  return {
    lines,
    sink: { info: record("info"), warn: record("warn"), error: record("error"), debug: record("debug") },
  };
}

const badKey = () =>
  new ThreatConnectError(
    "auth",
    "ThreatConnect rejected the credentials (HTTP 401): check the Access ID and Secret Key",
    {
      status: 401,
    },
  );

describe("the pipeline's Inngest logger", () => {
  test("a bad ThreatConnect key is one line for the failed function and none for its step", () => {
    const { lines, sink } = recordingSink();
    const logger = createPipelineLogger(sink);
    const mapped = toInngestError(badKey());
    expect(mapped).toBeInstanceOf(NonRetriableError);
    logger.error({ err: mapped }, "Inngest step error");
    logger.error({ err: mapped }, "Inngest function error");
    expect(lines).toEqual([
      {
        level: "warn",
        args: [
          "[inngest] Inngest function error (expected, not retried): NonRetriableError: ThreatConnect rejected the credentials (HTTP 401): check the Access ID and Secret Key",
        ],
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/\bat /);
  });

  test("each retried attempt of a throttled call is one line", () => {
    const { lines, sink } = recordingSink();
    const throttled = toInngestError(
      new ThreatConnectError("rate_limited", "ThreatConnect asked to wait", { retryAfterMs: 2000 }),
    );
    expect(throttled).toBeInstanceOf(RetryAfterError);
    createPipelineLogger(sink).error({ err: throttled }, "Inngest step error");
    expect(lines).toEqual([
      {
        level: "warn",
        args: ["[inngest] Inngest step error (expected, will retry): RetryAfterError: ThreatConnect asked to wait"],
      },
    ]);
  });

  test("an unexpected error keeps its stack, and other messages pass through unchanged", () => {
    const { lines, sink } = recordingSink();
    const logger = createPipelineLogger(sink);
    logger.error({ err: new TypeError("x is undefined"), runID: "r1" }, "Inngest function error");
    logger.info("plain message", 3);
    expect(lines[0]?.level).toBe("error");
    expect(lines[0]?.args[0]).toMatch(/^\[inngest\] Inngest function error: TypeError: x is undefined\n\s+at /);
    expect(lines[0]?.args[1]).toEqual({ runID: "r1" });
    expect(lines[1]).toEqual({ level: "info", args: ["plain message", 3] });
  });
});
