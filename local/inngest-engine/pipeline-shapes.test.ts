import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEngine } from "./index";
import { APP_ID, type ExecutionLog } from "./test-app";
import {
  finishedRunOf,
  sendEvents,
  startConformanceSuite,
  uniqueSchema,
  waitFor,
  type ConformanceSuite,
} from "./test-helpers";

const schema = uniqueSchema("engine_pipeline");
/** Small enough that the serial test's queue is longer than what one scheduler tick reads. */
const DUE_BATCH_SIZE = 100;

const engineLog: string[] = [];
let suite: ConformanceSuite | undefined;
let engine: RunningEngine;
let log: ExecutionLog;

beforeAll(async () => {
  suite = await startConformanceSuite(schema, {
    retryBackoffMs: () => 20,
    dueBatchSize: DUE_BATCH_SIZE,
    log: (line) => engineLog.push(line),
  });
  ({ engine, log } = suite);
});

afterAll(() => suite?.close());

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

describe("the sync pipeline's shapes", () => {
  it("fans out 2,000 events sent by step.sendEvent in chunks of 500 and runs every child once", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [
      { name: "test/chunked-fan-out", data: { count: 2000, chunk: 500 } },
    ]);
    const parent = await finishedRunOf(engine, eventId, 90_000);
    expect(parent.status).toBe("Completed");
    expect(parent.output).toEqual({ sent: 2000 });
    expect(Object.keys(parent.steps)).toHaveLength(4);
    const children = await waitFor(
      "2,000 child runs",
      async () => {
        const entries = await log.list("chunk-child");
        return entries.length >= 2000 ? entries : undefined;
      },
      90_000,
    );
    const indices = new Set(children.map((entry) => (entry.detail as { index: number }).index));
    expect(children).toHaveLength(2000);
    expect(indices.size).toBe(2000);
    expect(await engine.runs.list({ functionId: `${APP_ID}-chunk-child`, status: "Failed" })).toHaveLength(0);
  }, 120_000);

  it("runs one concurrency key's queued runs one step at a time, oldest run first, while another key runs alongside", async () => {
    const queued = 150;
    await sendEvents(engine.url, [
      ...Array.from({ length: queued }, (_, seq) => ({ name: "test/serial", data: { principalKey: "p-1", seq } })),
      ...Array.from({ length: 5 }, (_, seq) => ({ name: "test/serial", data: { principalKey: "p-2", seq } })),
    ]);
    const completed = await waitFor(
      "every serial run to complete",
      async () => {
        const runs = await engine.runs.list({ functionId: `${APP_ID}-serial-per-principal`, status: "Completed" });
        return runs.length === queued + 5 ? runs : undefined;
      },
      90_000,
    );
    expect(completed).toHaveLength(queued + 5);
    type Detail = { key: string; seq: number; step: string };
    const ends = await log.list("serial.end");
    // Step executions of the busy key, each paired with its own end (a retried step executes again).
    const executions = (await log.list("serial.begin"))
      .filter((entry) => (entry.detail as Detail).key === "p-1")
      .map((begin) => {
        const detail = begin.detail as Detail;
        const end = ends.find(
          (candidate) =>
            candidate.runId === begin.runId &&
            (candidate.detail as Detail).step === detail.step &&
            candidate.atMs >= begin.atMs,
        );
        return { ...detail, runId: begin.runId, begin: begin.atMs, end: end?.atMs ?? Infinity };
      });
    for (let index = 1; index < executions.length; index++) {
      expect(executions[index]?.begin).toBeGreaterThanOrEqual(executions[index - 1]?.end ?? Infinity);
    }
    const runStarts = executions.filter((execution) => execution.step === "first");
    expect([...new Set(runStarts.map((execution) => execution.seq))]).toEqual(
      Array.from({ length: queued }, (_, seq) => seq),
    );
    // A run's next step keeps its place ahead of newer runs (Inngest's queue order), so runs do not interleave;
    // only a retried attempt loses that place, as in Inngest.
    const retriedRuns = new Set(
      engineLog.flatMap((line) => /^run (\S+): (attempt \d+ failed|step .* failed, retrying)/.exec(line)?.[1] ?? []),
    );
    const runEnds = new Map(
      executions
        .filter((execution) => execution.step === "second")
        .map((execution) => [execution.runId, execution.end]),
    );
    for (let index = 1; index < runStarts.length; index++) {
      const previous = runStarts[index - 1];
      const current = runStarts[index];
      if (!previous || !current || retriedRuns.has(previous.runId) || retriedRuns.has(current.runId)) continue;
      expect(current.begin).toBeGreaterThanOrEqual(runEnds.get(previous.runId) ?? Infinity);
    }
    // The other key is not stuck behind the long queue: its runs finish while the first key is still busy.
    const otherKeyEnds = ends.filter((entry) => (entry.detail as Detail).key === "p-2").map((entry) => entry.atMs);
    const busyKeyMidpoint = executions[Math.floor(executions.length / 2)]?.end ?? 0;
    expect(Math.max(...otherKeyEnds)).toBeLessThan(busyKeyMidpoint);
  }, 120_000);

  it("fires the v4 middleware hooks the pipeline records jobs and tasks with", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/observed" }]);
    const run = await finishedRunOf(engine, eventId, 30_000);
    expect(run.status).toBe("Completed");
    const hooks = async (name: string) =>
      (await log.list(`hook.${name}`)).filter((entry) => entry.runId === run.id).map((entry) => entry.detail);
    expect((await hooks("onRunStart")).length).toBeGreaterThanOrEqual(1);
    expect(await hooks("onRunComplete")).toEqual([{ output: "observed done" }]);
    expect(await hooks("onStepStart")).toEqual([
      { step: "steady", attempt: 0 },
      { step: "flaky-once", attempt: 0 },
      { step: "flaky-once", attempt: 1 },
    ]);
    expect(await hooks("onStepError")).toEqual([{ step: "flaky-once", isFinalAttempt: false }]);
    expect(await hooks("onStepComplete")).toEqual([{ step: "steady" }, { step: "flaky-once" }]);
  });

  it("measures step-to-step dispatch latency", async () => {
    const steps = 60;
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/many-steps", data: { steps } }]);
    const run = await finishedRunOf(engine, eventId, 60_000);
    expect(run.status).toBe("Completed");
    const starts = (await log.list("many-steps.step")).filter((entry) => entry.runId === run.id);
    expect(starts).toHaveLength(steps);
    const gaps = starts.slice(1).map((entry, index) => entry.atMs - (starts[index]?.atMs ?? 0));
    const p50 = percentile(gaps, 0.5);
    const p95 = percentile(gaps, 0.95);
    console.log(
      `[inngest-engine] step-to-step dispatch latency over ${gaps.length} steps: p50 ${p50} ms, p95 ${p95} ms`,
    );
    expect(p50).toBeLessThan(250);
  }, 60_000);
});
