import { randomBytes } from "node:crypto";
import { startEngine, type EngineOptions, type RunningEngine, type RunView } from "./index";
import { ExecutionLog, startConformanceApp, type AppServer } from "./test-app";

export function requireTestDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set; run through vitest so test/global-setup.ts creates it");
  return url;
}

export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Polls a condition (the engine works asynchronously); fails with `description` on timeout. */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function sendEvents(
  engineUrl: string,
  events: { name: string; data?: Record<string, unknown>; id?: string }[],
): Promise<string[]> {
  const response = await fetch(`${engineUrl}/e/test-key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(events),
  });
  const body = (await response.json()) as { ids: string[]; status: number };
  if (response.status !== 200 || body.status !== 200) throw new Error(`send failed: ${JSON.stringify(body)}`);
  return body.ids;
}

const TERMINAL = new Set(["Completed", "Failed", "Cancelled"]);

/** The single run an event started, once it reached a terminal state. */
export async function finishedRunOf(
  engine: Pick<RunningEngine, "runs">,
  eventId: string,
  timeoutMs?: number,
): Promise<RunView> {
  return waitFor(
    `run of event ${eventId} to finish`,
    async () => {
      const [run] = await engine.runs.list({ eventId });
      return run && TERMINAL.has(run.status) ? run : undefined;
    },
    timeoutMs,
  );
}

export interface ConformanceSuite {
  engine: RunningEngine;
  app: AppServer;
  log: ExecutionLog;
  close(): Promise<void>;
}

/** An engine in this process with the conformance app synced to it; its execution log lives in `<schema>_app`. */
export async function startConformanceSuite(
  schema: string,
  options: Omit<EngineOptions, "port" | "databaseUrl" | "schema"> = {},
): Promise<ConformanceSuite> {
  const databaseUrl = requireTestDatabaseUrl();
  const engine = await startEngine({ port: 0, databaseUrl, schema, pollIntervalMs: 20, ...options });
  const log = new ExecutionLog(databaseUrl, `${schema}_app`);
  await log.init();
  const app = await startConformanceApp({ engineUrl: engine.url, log });
  await engine.sync(app.url);
  return {
    engine,
    app,
    log,
    close: async () => {
      await app.close();
      await engine.close();
      await log.close();
    },
  };
}
