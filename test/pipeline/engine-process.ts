import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { untilListening } from "./until-listening";

/** A port that was free a moment ago, so a restarted engine can come back where the app expects it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("could not reserve a port");
  return address.port;
}

export function uniqueEngineSchema(): string {
  return `pipeline_engine_${randomBytes(4).toString("hex")}`;
}

export type EngineProcessOptions = {
  port: number;
  schema: string;
  databaseUrl: string;
  retryBackoffMs: number;
  pollIntervalMs: number;
  appUrl?: string;
};

/**
 * The local engine in its own process, as `npm run engine` runs it, so a test can kill -9 it mid-job. Node runs
 * with tsx's loader directly: the tsx binary forks a grandchild that SIGKILL would orphan.
 */
export async function spawnEngine(options: EngineProcessOptions): Promise<ChildProcess> {
  const args = [
    "--import",
    "tsx",
    "local/inngest-engine/cli.ts",
    "--port",
    String(options.port),
    "--schema",
    options.schema,
    "--retry-backoff-ms",
    String(options.retryBackoffMs),
    "--poll-interval-ms",
    String(options.pollIntervalMs),
    ...(options.appUrl ? ["--app-url", options.appUrl] : []),
  ];
  const child = spawn(process.execPath, args, {
    // The engine inherits the test run's environment plus its scratch database.
    env: { ...process.env, DATABASE_URL: options.databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await untilListening(child, "engine", 30_000);
  // Keep draining its output, without keeping it, so a chatty engine never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}
