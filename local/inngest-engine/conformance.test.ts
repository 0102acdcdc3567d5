import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextCronTime } from "./function-config";
import type { RunningEngine } from "./index";
import { APP_ID, type AppServer, type ExecutionLog } from "./test-app";
import {
  finishedRunOf,
  sendEvents,
  startConformanceSuite,
  uniqueSchema,
  waitFor,
  type ConformanceSuite,
} from "./test-helpers";

const schema = uniqueSchema("engine_conformance");
const fnId = (id: string) => `${APP_ID}-${id}`;

let clockOffsetMs = 0;
let suite: ConformanceSuite | undefined;
let engine: RunningEngine;
let app: AppServer;
let log: ExecutionLog;

beforeAll(async () => {
  suite = await startConformanceSuite(schema, {
    now: () => new Date(Date.now() + clockOffsetMs),
    retryBackoffMs: () => 20,
  });
  ({ engine, app, log } = suite);
});

afterAll(() => suite?.close());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${engine.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { status?: number; error?: string },
  };
}

describe("runs driven through the real SDK", () => {
  it("accepts the SDK's own out-of-band sync (PUT on the app, which POSTs /fn/register)", async () => {
    const response = await fetch(app.url, { method: "PUT" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-inngest-sync-kind")).toBe("out_of_band");
    expect(await response.json()).toMatchObject({
      message: "Successfully registered",
      modified: false,
    });
  });

  it("runs sequential steps once each and completes with the function's return value", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/sequential" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ first: 1, second: 2 });
    expect(await log.count("sequential.first", run.id)).toBe(1);
    expect(await log.count("sequential.second", run.id)).toBe(1);
  });

  it("runs a parallel group, waits for all of it, then continues", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/parallel" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.output).toEqual({ joined: "xyz" });
    for (const step of ["x", "y", "z", "join"]) expect(await log.count(`parallel.${step}`, run.id)).toBe(1);
    expect(Object.keys(run.steps)).toHaveLength(4);
  });

  it("retries a failing step and then succeeds", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/retried" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("recovered");
    expect(await log.count("retried.flaky", run.id)).toBe(3);
  });

  it("fails the run after the last retry, runs onFailure and emits function.finished", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/failing" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Failed");
    expect(await log.count("failing.always-fails", run.id)).toBe(2);
    const failures = await waitFor("onFailure to run", async () => {
      const entries = await log.list("failing.onFailure");
      return entries.find((entry) => (entry.detail as { failedRunId: string }).failedRunId === run.id);
    });
    expect(failures.detail).toMatchObject({
      message: expect.stringContaining("permanent failure"),
    });
    await waitFor("function.finished for the failed run", async () =>
      (await log.list("finished")).some((entry) => (entry.detail as { runId: string }).runId === run.id),
    );
  });

  it("does not retry a NonRetriableError", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/non-retriable" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Failed");
    expect(await log.count("non-retriable.reject", run.id)).toBe(1);
  });

  it("honours RetryAfterError instead of the (fast) backoff table", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/retry-after" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.output).toBe("done");
    const calls = (await log.list("retry-after.call")).filter((entry) => entry.runId === run.id);
    expect(calls).toHaveLength(2);
    expect((calls[1]?.atMs ?? 0) - (calls[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("sleeps between steps", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/sleeper" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Completed");
    const [before] = (await log.list("sleeper.before")).filter((entry) => entry.runId === run.id);
    const [after] = (await log.list("sleeper.after")).filter((entry) => entry.runId === run.id);
    expect((after?.atMs ?? 0) - (before?.atMs ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("fans out with step.sendEvent", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/fan-out", data: { count: 3 } }]);
    const run = await finishedRunOf(engine, eventId);
    expect((run.output as { ids: string[] }).ids).toHaveLength(3);
    const children = await waitFor("three child runs", async () => {
      const entries = await log.list("fan-child");
      return entries.length === 3 ? entries : undefined;
    });
    expect(children.map((entry) => (entry.detail as { index: number }).index).sort()).toEqual([0, 1, 2]);
  });

  it("fails a run that uses an op the engine does not implement, naming it", async () => {
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/waiting" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Failed");
    expect(run.error).toMatchObject({
      name: "UnsupportedOperation",
      message: expect.stringContaining("WaitForEvent"),
    });
  });

  it("routes an event id only once", async () => {
    await sendEvents(engine.url, [{ name: "test/sequential", id: "dedupe-1" }]);
    await sendEvents(engine.url, [{ name: "test/sequential", id: "dedupe-1" }]);
    await finishedRunOf(engine, "dedupe-1");
    expect(await engine.runs.list({ eventId: "dedupe-1" })).toHaveLength(1);
  });
});

describe("flow control", () => {
  it("throttle spreads starts per key (one per second) and queues instead of dropping", async () => {
    await sendEvents(engine.url, [
      { name: "test/throttled", data: { key: "a" } },
      { name: "test/throttled", data: { key: "a" } },
      { name: "test/throttled", data: { key: "a" } },
      { name: "test/throttled", data: { key: "b" } },
    ]);
    const starts = await waitFor("four throttled starts", async () => {
      const entries = await log.list("throttled.start");
      return entries.length === 4 ? entries : undefined;
    });
    const keyOf = (entry: { detail: unknown }) => (entry.detail as { key: string }).key;
    const aStarts = starts.filter((entry) => keyOf(entry) === "a").map((entry) => entry.atMs);
    const bStart = starts.find((entry) => keyOf(entry) === "b")?.atMs ?? Infinity;
    expect(aStarts).toHaveLength(3);
    expect((aStarts[1] ?? 0) - (aStarts[0] ?? 0)).toBeGreaterThanOrEqual(900);
    expect((aStarts[2] ?? 0) - (aStarts[1] ?? 0)).toBeGreaterThanOrEqual(900);
    expect(bStart).toBeLessThan(aStarts[1] ?? 0);
  });

  it("keyed concurrency never exceeds its limit, while other keys run alongside", async () => {
    await sendEvents(engine.url, [
      ...Array.from({ length: 5 }, () => ({
        name: "test/limited",
        data: { key: "k1" },
      })),
      ...Array.from({ length: 2 }, () => ({
        name: "test/limited",
        data: { key: "k2" },
      })),
    ]);
    await waitFor("seven finished work steps", async () => (await log.count("limited.work-end")) === 7);
    const intervals = new Map<string, { key: string; start: number; end: number }>();
    for (const entry of await log.list("limited.work-start")) {
      intervals.set(entry.runId, {
        key: (entry.detail as { key: string }).key,
        start: entry.atMs,
        end: Infinity,
      });
    }
    for (const entry of await log.list("limited.work-end")) {
      const interval = intervals.get(entry.runId);
      if (interval) interval.end = entry.atMs;
    }
    const maxOverlap = (key?: string) => {
      const selected = [...intervals.values()].filter((interval) => !key || interval.key === key);
      return Math.max(
        ...selected.map(
          (probe) => selected.filter((other) => other.start <= probe.start && other.end > probe.start).length,
        ),
      );
    };
    expect(maxOverlap("k1")).toBe(2);
    expect(maxOverlap("k2")).toBe(2);
    expect(maxOverlap()).toBeGreaterThan(2);
  });

  it("rateLimit skips events over the limit per key", async () => {
    const ids = await sendEvents(engine.url, [
      { name: "test/rate-limited", data: { key: "r1" } },
      { name: "test/rate-limited", data: { key: "r1" } },
      { name: "test/rate-limited", data: { key: "r1" } },
      { name: "test/rate-limited", data: { key: "r2" } },
    ]);
    expect(ids).toHaveLength(4);
    await finishedRunOf(engine, ids[0] ?? "");
    await finishedRunOf(engine, ids[3] ?? "");
    expect(await engine.runs.list({ eventId: ids[1] })).toHaveLength(0);
    expect(await engine.runs.list({ eventId: ids[2] })).toHaveLength(0);
    expect(await log.count("rate-limited.accepted")).toBe(2);
  });

  it("cancelOn stops the matching run before its later steps and leaves others alone", async () => {
    const [cancelledEvent = "", otherEvent = ""] = await sendEvents(engine.url, [
      { name: "test/cancellable", data: { orderId: "o1" } },
      { name: "test/cancellable", data: { orderId: "o2" } },
    ]);
    await waitFor("both runs to sleep", async () => {
      const runs = [
        ...(await engine.runs.list({ eventId: cancelledEvent })),
        ...(await engine.runs.list({ eventId: otherEvent })),
      ];
      return runs.length === 2 && runs.every((run) => Object.keys(run.steps).length === 1);
    });
    await sendEvents(engine.url, [{ name: "test/cancel", data: { orderId: "o1" } }]);
    const cancelled = await finishedRunOf(engine, cancelledEvent);
    expect(cancelled.status).toBe("Cancelled");
    const [other] = await engine.runs.list({ eventId: otherEvent });
    expect(other?.status).toBe("Running");
    expect(await log.count("cancellable.second", cancelled.id)).toBe(0);
    await waitFor("function.finished for the cancelled run", async () =>
      (await log.list("finished")).some((entry) => (entry.detail as { runId: string }).runId === cancelled.id),
    );
    await sendEvents(engine.url, [{ name: "test/cancel", data: { orderId: "o2" } }]);
    expect((await finishedRunOf(engine, otherEvent)).status).toBe("Cancelled");
  });
});

describe("failure paths", () => {
  let fakeApp: Server;
  let fakeCalls = 0;

  beforeAll(async () => {
    fakeApp = createServer((_req, res) => {
      fakeCalls += 1;
      res.writeHead(200, { "content-type": "text/html" }).end("<html>not an SDK</html>");
    });
    await new Promise<void>((resolve) => fakeApp.listen(0, "127.0.0.1", () => resolve()));
  });

  afterAll(async () => {
    fakeApp.closeAllConnections();
    await new Promise<void>((resolve) => fakeApp.close(() => resolve()));
  });

  it("treats a 200 without the SDK's headers as a failed attempt, not a finished function", async () => {
    const { port } = fakeApp.address() as AddressInfo;
    const stepUrl = `http://127.0.0.1:${port}/api/inngest?fnId=impostor-fn&stepId=step`;
    const registered = await post(
      "/fn/register",
      JSON.stringify({
        url: `http://127.0.0.1:${port}/api/inngest`,
        appName: "impostor",
        functions: [
          {
            id: "impostor-fn",
            triggers: [{ event: "test/impostor" }],
            steps: {
              step: {
                id: "step",
                name: "step",
                runtime: { type: "http", url: stepUrl },
                retries: { attempts: 1 },
              },
            },
          },
        ],
      }),
    );
    expect(registered.status).toBe(200);
    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/impostor" }]);
    const run = await finishedRunOf(engine, eventId);
    expect(run.status).toBe("Failed");
    expect(run.error).toMatchObject({ name: "NonSdkResponse" });
    expect(fakeCalls).toBe(2);
  });

  it("rejects malformed events with the field and reason", async () => {
    const missingName = await post("/e/key", JSON.stringify([{ data: {} }]));
    expect(missingName.status).toBe(400);
    expect(missingName.body.status).toBe(400);
    expect(missingName.body.error).toMatch(/^0\.name:/);
    const notJson = await post("/e/key", "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe("body is not valid JSON");
  });

  it("rejects a sync with invalid or unsupported configuration, naming function and field", async () => {
    const fn = (extra: Record<string, unknown>) =>
      JSON.stringify({
        url: "http://127.0.0.1:1/api/inngest",
        appName: "bad-app",
        functions: [
          {
            id: "bad-fn",
            triggers: [{ event: "x" }],
            steps: {
              step: {
                runtime: {
                  url: "http://127.0.0.1:1/api/inngest?fnId=bad-fn&stepId=step",
                },
              },
            },
            ...extra,
          },
        ],
      });
    const badPeriod = await post("/fn/register", fn({ throttle: { limit: 1, period: "soon" } }));
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error).toContain('function "bad-fn" throttle.period');
    const unsupported = await post("/fn/register", fn({ debounce: { period: "5s" } }));
    expect(unsupported.body.error).toBe('function "bad-fn" debounce: not supported by the local engine');
    const badExpression = await post("/fn/register", fn({ concurrency: { limit: 1, key: "event.data.((" } }));
    expect(badExpression.body.error).toContain('function "bad-fn" concurrency[0].key: invalid expression');
    const cloud = await post("/fn/register", fn({}), {
      "x-inngest-expected-server-kind": "cloud",
    });
    expect(cloud.status).toBe(400);
    expect((await engine.runs.list({ functionId: "bad-fn" })).length).toBe(0);
  });

  it("answers the read API's bad filters and unknown runs clearly", async () => {
    const badStatus = await fetch(`${engine.url}/runs?status=Nope`);
    expect(badStatus.status).toBe(400);
    const missing = await fetch(`${engine.url}/runs/does-not-exist`);
    expect(missing.status).toBe(404);
    const health = await fetch(`${engine.url}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  it("reports a failed on-demand sync of an unreachable app", async () => {
    const response = await post("/apps/sync", JSON.stringify({ url: "http://127.0.0.1:1/api/inngest" }));
    expect(response.status).toBe(502);
  });
});

describe("cron", () => {
  it("fires a TZ= cron at its local time under the controllable clock", async () => {
    const cron = "TZ=Europe/Paris 30 9 * * *";
    const due = nextCronTime(cron, new Date(Date.now() + clockOffsetMs));
    if (!due) throw new Error("cron has no next run");
    expect(await log.count("scheduled.tick")).toBe(0);
    clockOffsetMs += due.getTime() - (Date.now() + clockOffsetMs) + 10;
    const [tick] = await waitFor("the cron run", async () => {
      const entries = await log.list("scheduled.tick");
      return entries.length > 0 ? entries : undefined;
    });
    const run = await engine.runs.get(tick?.runId ?? "");
    expect(run?.functionId).toBe(fnId("scheduled"));
    expect(run?.event.name).toBe("inngest/scheduled.timer");
    const localTime = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Paris",
      hour: "2-digit",
      minute: "2-digit",
    });
    expect(localTime.format(new Date(String(run?.event.data.scheduledAt)))).toBe("09:30");
  });
});
