import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine, type RunningEngine } from "./index";
import { DEFAULT_LIMITS, MAX_EVENT_BYTES_BY_PLAN, resolveLimits } from "./limits";
import type { ExecutionLog } from "./test-app";
import {
  finishedRunOf,
  requireTestDatabaseUrl,
  sendEvents,
  startConformanceSuite,
  uniqueSchema,
  type ConformanceSuite,
} from "./test-helpers";

const databaseUrl = requireTestDatabaseUrl();
const schema = uniqueSchema("engine_limits");

/** A self-hosted target with every limit lowered, so each can be crossed cheaply. */
const LIMITS = {
  maxStepsPerRun: 5,
  maxStepOutputBytes: 1000,
  maxRunStateBytes: 3000,
  maxEventBytes: 600,
  maxEventsPerRequest: 10,
  stepTimeoutMs: 500,
};

let suite: ConformanceSuite | undefined;
let engine: RunningEngine;
let log: ExecutionLog;

beforeAll(async () => {
  suite = await startConformanceSuite(schema, { limits: LIMITS });
  ({ engine, log } = suite);
});

afterAll(() => suite?.close());

async function postEvents(body: unknown) {
  const response = await fetch(`${engine.url}/e/test-key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { status: number; error?: string } };
}

async function runOf(name: string, data: Record<string, unknown>) {
  const [eventId = ""] = await sendEvents(engine.url, [{ name, data }]);
  return finishedRunOf(engine, eventId, 30_000);
}

describe("platform limits (defaults)", () => {
  it("are Inngest Cloud's documented values, with the event size set by the plan", () => {
    expect(resolveLimits()).toEqual({
      maxStepsPerRun: 1000,
      maxStepOutputBytes: 4 * 1024 * 1024,
      maxRunStateBytes: 32 * 1024 * 1024,
      maxEventBytes: 256 * 1024,
      maxEventsPerRequest: 5000,
      stepTimeoutMs: 2 * 60 * 60 * 1000,
    });
    expect(resolveLimits({ plan: "paid" }).maxEventBytes).toBe(3 * 1024 * 1024);
    expect(MAX_EVENT_BYTES_BY_PLAN.free).toBe(256 * 1024);
    expect(resolveLimits({ plan: "paid", maxStepsPerRun: 10_000 })).toEqual({
      ...DEFAULT_LIMITS,
      maxEventBytes: 3 * 1024 * 1024,
      maxStepsPerRun: 10_000,
    });
  });

  it("refuses an event over the free plan's 256 KiB by default, and accepts it on the paid plan", async () => {
    const event = { name: "test/unrouted", data: { padding: "p".repeat(256 * 1024) } };
    for (const [plan, status] of [
      ["free", 400],
      ["paid", 200],
    ] as const) {
      const running = await startEngine({ port: 0, databaseUrl, schema: `${schema}_${plan}`, limits: { plan } });
      try {
        const response = await fetch(`${running.url}/e/key`, { method: "POST", body: JSON.stringify([event]) });
        expect(response.status).toBe(status);
        if (status === 400) {
          expect(((await response.json()) as { error: string }).error).toMatch(
            /^Event is over the max size: Max 262144 bytes \/ Size \d+ bytes$/,
          );
        }
      } finally {
        await running.close();
      }
    }
  });

  it("rejects a limit that is not a positive integer, naming it", () => {
    expect(() => resolveLimits({ maxRunStateBytes: 0 })).toThrow(
      "limits.maxRunStateBytes: must be a positive integer, got 0",
    );
    expect(() => resolveLimits({ stepTimeoutMs: 1.5 })).toThrow("limits.stepTimeoutMs");
  });
});

describe("platform limits (lowered for a self-hosted target)", () => {
  it("runs a function with exactly the step limit, and fails the next one with Inngest's overflow error", async () => {
    expect((await runOf("test/many-steps", { steps: 5 })).status).toBe("Completed");
    const run = await runOf("test/many-steps", { steps: 6 });
    expect(run.status).toBe("Failed");
    expect(run.error).toEqual({
      name: "InngestErrFunctionOverflowed",
      message: "The function run exceeded the step limit of 5 steps.",
    });
    expect(Object.keys(run.steps)).toHaveLength(5);
    expect(await log.count("many-steps.step", run.id)).toBe(6);
  });

  it("fails a run whose step returns more data than the step output limit", async () => {
    expect((await runOf("test/big-output", { stepBytes: 900, steps: 1 })).status).toBe("Completed");
    const run = await runOf("test/big-output", { stepBytes: 1000, steps: 1 });
    expect(run.status).toBe("Failed");
    expect(run.error).toMatchObject({
      name: "StepOutputTooLarge",
      message: expect.stringContaining("greater than the step output limit: Max 1000 bytes / Size 1002 bytes"),
    });
    expect(run.steps).toEqual({});
  });

  it("fails a run whose event, step outputs and return value outgrow the run state limit", async () => {
    const stepsOverflow = await runOf("test/big-output", { stepBytes: 900, steps: 4 });
    expect(stepsOverflow.status).toBe("Failed");
    expect(stepsOverflow.error).toEqual({
      name: "InngestErrStateOverflowed",
      message: "The function run exceeded the state size limit of 3000 bytes.",
    });
    expect(Object.keys(stepsOverflow.steps)).toHaveLength(3);

    const outputOverflow = await runOf("test/big-output", { stepBytes: 900, steps: 1, returnBytes: 2500 });
    expect(outputOverflow.status).toBe("Failed");
    expect(outputOverflow.error).toMatchObject({ name: "InngestErrStateOverflowed" });
    expect(outputOverflow.output).toBeNull();
  });

  it("refuses an oversized event at /e/ with Inngest's status and message, storing none of the request", async () => {
    const small = { name: "test/many-steps", data: { steps: 0, batch: "refused" } };
    const large = { name: "test/many-steps", data: { steps: 0, padding: "p".repeat(600) } };
    const size = Buffer.byteLength(JSON.stringify(large));
    const refused = await postEvents([small, large]);
    expect(refused).toEqual({
      status: 400,
      body: { status: 400, ids: [], error: `Event is over the max size: Max 600 bytes / Size ${size} bytes` },
    });
    const accepted = await postEvents([{ ...small, data: { steps: 0, batch: "accepted" } }]);
    expect(accepted.status).toBe(200);
    const batches = (await engine.runs.list({ functionId: "conformance-many-steps" })).map(
      (run) => run.event.data.batch,
    );
    expect(batches).toContain("accepted");
    expect(batches).not.toContain("refused");
  });

  it("refuses a request with more events than the per-request limit", async () => {
    const events = Array.from({ length: 11 }, () => ({ name: "test/unrouted" }));
    const refused = await postEvents(events);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("Too many events in one request: Max 10 events / Received 11 events");
    expect((await postEvents(events.slice(1))).status).toBe(200);
  });

  it("abandons a request that runs past the step timeout and fails the run naming the timeout", async () => {
    expect((await runOf("test/slow-step", { ms: 50 })).output).toBe("finished");
    const run = await runOf("test/slow-step", { ms: 1500 });
    expect(run.status).toBe("Failed");
    expect(run.error).toEqual({
      name: "StepTimeout",
      message: "The request to the app exceeded the step timeout of 500 ms.",
    });
  });
});
