import type { AddressInfo } from "node:net";
import { Engine, type RunFilter, type RunView } from "./engine";
import { createEngineServer } from "./http-server";
import { resolveLimits, type LimitOptions } from "./limits";

export type { RunFilter, RunView } from "./engine";
export type { LimitOptions, Plan, PlatformLimits } from "./limits";
export type { RunStatus } from "./schema";

export interface EngineOptions {
  /** 0 picks an ephemeral port. */
  port?: number;
  databaseUrl: string;
  /** Postgres schema holding all engine state; created if missing. */
  schema?: string;
  /** Apps to sync (PUT) once the engine listens. */
  appUrls?: string[];
  now?: () => Date;
  /** Delay before retry number `attempt + 1`; defaults to Inngest's table (15 s … 2 h, plus jitter). */
  retryBackoffMs?: (attempt: number) => number;
  pollIntervalMs?: number;
  /** How many due queue items one scheduler tick reads (default 500). */
  dueBatchSize?: number;
  /** Inngest Cloud's platform limits apply unless overridden here (`plan` picks the event size: free or paid). */
  limits?: LimitOptions;
  log?: (message: string) => void;
}

export interface RunsApi {
  list(filter?: RunFilter): Promise<RunView[]>;
  get(runId: string): Promise<RunView | undefined>;
}

export interface RunningEngine {
  url: string;
  close(): Promise<void>;
  sync(appUrl: string): Promise<void>;
  runs: RunsApi;
}

const BACKOFF_TABLE_MS = [15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200].map((seconds) => seconds * 1000);
const BACKOFF_JITTER_MS = 30_000;

/** Inngest's queue backoff: a fixed table indexed by attempt, plus up to 30 s of jitter. */
export function defaultRetryBackoffMs(attempt: number): number {
  const base = BACKOFF_TABLE_MS[Math.min(attempt, BACKOFF_TABLE_MS.length - 1)] ?? 0;
  return base + Math.floor(Math.random() * BACKOFF_JITTER_MS);
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const engine = await Engine.start({
    databaseUrl: options.databaseUrl,
    schema: options.schema ?? "inngest_engine",
    now: options.now ?? (() => new Date()),
    retryBackoffMs: options.retryBackoffMs ?? defaultRetryBackoffMs,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    dueBatchSize: options.dueBatchSize ?? 500,
    limits: resolveLimits(options.limits),
    log: options.log ?? (() => undefined),
  });
  const server = createEngineServer(engine);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8288, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
  };
  try {
    for (const appUrl of options.appUrls ?? []) await engine.registry.sync(appUrl);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close,
    sync: (appUrl) => engine.registry.sync(appUrl),
    runs: {
      list: (filter) => engine.listRuns(filter),
      get: (runId) => engine.getRun(runId),
    },
  };
}
