import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startEngine, type RunFilter, type RunningEngine, type RunView } from "./index";
import { ExecutionLog, startConformanceApp, type AppServer } from "./test-app";
import { finishedRunOf, requireTestDatabaseUrl, sendEvents, uniqueSchema, waitFor } from "./test-helpers";

const databaseUrl = requireTestDatabaseUrl();
const here = path.dirname(fileURLToPath(import.meta.url));
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts a tsx script and resolves once it prints its "listening on" line. */
async function spawnListening(script: string, args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  // Node itself with tsx's loader, not the tsx binary: the binary forks a grandchild that SIGKILL would orphan.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${output}`));
    });
  });
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/** The engine under test is a child process here, so its runs are read through the HTTP runs API. */
function httpRunsReader(engineUrl: string): Pick<RunningEngine, "runs"> {
  const list = async (filter: RunFilter = {}) => {
    const query = new URLSearchParams(filter.eventId ? { event_id: filter.eventId } : {});
    const response = await fetch(`${engineUrl}/runs?${query.toString()}`);
    return ((await response.json()) as { runs: RunView[] }).runs;
  };
  return {
    runs: {
      list,
      get: async (runId) => (await list()).find((run) => run.id === runId),
    },
  };
}

async function openLog(schema: string): Promise<ExecutionLog> {
  const log = new ExecutionLog(databaseUrl, `${schema}_app`);
  await log.init();
  cleanups.push(() => log.close());
  return log;
}

describe("durability", () => {
  it("survives kill -9 of the engine mid-run: completed steps are not re-executed", async () => {
    const schema = uniqueSchema("engine_kill");
    const log = await openLog(schema);
    const port = await freePort();
    const engineUrl = `http://127.0.0.1:${port}`;
    const app: AppServer = await startConformanceApp({ engineUrl, log });
    cleanups.push(() => app.close());
    const engineArgs = [
      "--port",
      String(port),
      "--schema",
      schema,
      "--poll-interval-ms",
      "20",
      "--retry-backoff-ms",
      "50",
    ];
    const env = { DATABASE_URL: databaseUrl };
    const firstEngine = await spawnListening("cli.ts", [...engineArgs, "--app-url", app.url], env);

    const [eventId = ""] = await sendEvents(engineUrl, [{ name: "test/durable" }]);
    const runId = await waitFor("step two to be executing", async () => {
      const [entry] = await log.list("durable.two");
      return entry?.runId;
    });
    await killHard(firstEngine);

    const secondEngine = await spawnListening("cli.ts", engineArgs, env);
    cleanups.push(() => killHard(secondEngine));
    const run = await finishedRunOf(httpRunsReader(engineUrl), eventId);

    expect(run.id).toBe(runId);
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("durable done");
    expect(await log.count("durable.one", runId)).toBe(1);
    // The request in flight at the kill never got its answer recorded, so that step runs again (at least once).
    expect(await log.count("durable.two", runId)).toBe(2);
    expect(await log.count("durable.three", runId)).toBe(1);
  });

  it("retries the step that was running when the app was killed, after the app restarts", async () => {
    const schema = uniqueSchema("engine_app_kill");
    const log = await openLog(schema);
    const appPort = await freePort();
    // Backoff grows (0.5 s, 1 s, 2 s, 4 s) so the retries outlast the app's restart.
    const engine = await startEngine({
      port: 0,
      databaseUrl,
      schema,
      retryBackoffMs: (attempt) => 500 * 2 ** attempt,
      pollIntervalMs: 20,
    });
    cleanups.push(() => engine.close());
    const appArgs = [
      "--port",
      String(appPort),
      "--engine-url",
      engine.url,
      "--database-url",
      databaseUrl,
      "--log-schema",
      `${schema}_app`,
    ];
    const firstApp = await spawnListening("test-app-server.ts", appArgs);
    await engine.sync(`http://127.0.0.1:${appPort}/api/inngest`);

    const [eventId = ""] = await sendEvents(engine.url, [{ name: "test/durable" }]);
    const runId = await waitFor("step two to be executing", async () => {
      const [entry] = await log.list("durable.two");
      return entry?.runId;
    });
    await killHard(firstApp);
    const secondApp = await spawnListening("test-app-server.ts", appArgs);
    cleanups.push(() => killHard(secondApp));

    const run = await finishedRunOf(engine, eventId);
    expect(run.id).toBe(runId);
    expect(run.status).toBe("Completed");
    expect(await log.count("durable.one", runId)).toBe(1);
    expect(await log.count("durable.two", runId)).toBe(2);
    expect(await log.count("durable.three", runId)).toBe(1);
  });
});
