import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { createDatabaseClient } from "@/db/client";
import { startAzureEmulator, type AzureEmulator, type FaultSettings } from "@/local/azure";
import { startEngine, type RunningEngine } from "@/local/inngest-engine";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import type { AppDependencies } from "@/server/deps";
import { destinationOf } from "@/server/net/destinations";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import type { Scope } from "@/server/scope";
import { testDb, testDeps } from "@/test/db";
import { createPipelineFunctions } from "@/inngest/pipeline";
import { freePort, killHard, spawnEngine, uniqueEngineSchema } from "./engine-process";

export type PipelineHarnessOptions = {
  /** Size of the ThreatConnect emulator's seeded dataset. */
  indicators: number;
  seed?: number;
  /** Sentinel's minute for the Azure emulator's limit and the pipeline's pacing alike. */
  minuteMs: number;
  /** "process" runs the engine as `npm run engine` does, so a test can kill -9 it. */
  engine?: "in-process" | "process";
  azureFaults?: Partial<FaultSettings>;
  /** Off by default: the scheduler would start jobs of its own in the middle of a test. */
  withScheduler?: boolean;
  /**
   * Gives the app its own database pool of this many connections (the server runs with 10), so a benchmark
   * measures it as deployed; by default it shares the test run's pool of 4.
   */
  appDatabasePoolSize?: number;
};

export type PipelineHarness = {
  threatConnect: ThreatConnectEmulator;
  azure: AzureEmulator;
  deps: AppDependencies;
  /** The app's Inngest client, to send events as the portal would. */
  inngest: Inngest.Any;
  engineUrl: string;
  appUrl: string;
  scopeFor(orgId: string): Scope;
  /** Moves the in-process engine's clock forward, so sleeps such as a restart's backoff end without waiting. */
  advanceEngineClock(milliseconds: number): void;
  /** Kills the engine process with SIGKILL and starts it again on the same port and schema. */
  restartEngineHard(): Promise<void>;
  /** The engine's process id when it runs as a process, so a benchmark can read its own CPU and memory. */
  engineProcessId(): number | undefined;
  close(): Promise<void>;
};

const RETRY_BACKOFF_MS = 200;
const POLL_INTERVAL_MS = 20;
const quiet = () => undefined;

/**
 * The whole pipeline on one machine, wired the way production runs it: the real inngest SDK served over HTTP, the
 * local engine calling it, and our ThreatConnect and Sentinel clients talking to both emulators over HTTP(S).
 * Only the database and the clock of the test process are shared.
 */
export async function startPipelineHarness(options: PipelineHarnessOptions): Promise<PipelineHarness> {
  // test/global-setup.ts puts the scratch database here for every test worker.
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error("TEST_DATABASE_URL is not set; run through vitest");
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne().catch(() => undefined);
  };

  try {
    const threatConnect = await startThreatConnectEmulator({ indicators: options.indicators, seed: options.seed ?? 1 });
    closers.push(() => threatConnect.close());
    const azure = await startAzureEmulator({ port: 0, minuteMs: options.minuteMs, faults: options.azureFaults });
    closers.push(() => azure.close());

    const enginePort = await freePort();
    const engineUrl = `http://127.0.0.1:${enginePort}`;
    const schema = uniqueEngineSchema();
    const inngest = new Inngest({
      id: "sentinel-bridge",
      isDev: true,
      baseUrl: engineUrl,
      logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    });
    const deps = testDeps({
      sentinelEndpoints: { authorityHost: azure.authorityHost, sentinelBaseUrl: azure.sentinelBaseUrl },
      // Exactly the emulator's host:port; every other local destination stays refused, as in production.
      outbound: createOutboundPolicy({ allowlist: destinationOf(new URL(threatConnect.baseUrl)) }),
      events: {
        async send(events) {
          if (events.length > 0) await inngest.send(events);
        },
      },
    });
    const appDatabase = options.appDatabasePoolSize
      ? createDatabaseClient(databaseUrl, { max: options.appDatabasePoolSize })
      : undefined;
    if (appDatabase) closers.push(() => appDatabase.close());
    const db = appDatabase?.db ?? testDb;
    const scopeFor = (orgId: string): Scope => ({ db, deps, orgId, actorUserId: null });
    const functions = createPipelineFunctions(inngest, {
      scopeFor,
      system: { db, deps },
      sentinelMinuteMs: options.minuteMs,
      retentionDays: 30,
    }).filter((fn: InngestFunction.Any) => options.withScheduler === true || fn.opts.id !== "schedule-due-jobs");

    const app = await serveFunctions(inngest, functions);
    closers.push(app.close);

    const engineSettings = { port: enginePort, schema, databaseUrl, retryBackoffMs: RETRY_BACKOFF_MS };
    let engineClockOffsetMs = 0;
    let engineProcess: ChildProcess | undefined;
    let inProcessEngine: RunningEngine | undefined;
    const startEngineNow = async () => {
      if (options.engine === "process") {
        engineProcess = await spawnEngine({ ...engineSettings, pollIntervalMs: POLL_INTERVAL_MS, appUrl: app.url });
      } else {
        inProcessEngine = await startEngine({
          ...engineSettings,
          now: () => new Date(Date.now() + engineClockOffsetMs),
          retryBackoffMs: () => RETRY_BACKOFF_MS,
          pollIntervalMs: POLL_INTERVAL_MS,
          appUrls: [app.url],
        });
      }
    };
    await startEngineNow();
    closers.push(async () => {
      if (engineProcess) await killHard(engineProcess);
      await inProcessEngine?.close();
    });

    return {
      threatConnect,
      azure,
      deps,
      inngest,
      engineUrl,
      appUrl: app.url,
      scopeFor,
      advanceEngineClock(milliseconds) {
        if (engineProcess) throw new Error("advanceEngineClock needs the engine running in-process");
        engineClockOffsetMs += milliseconds;
      },
      async restartEngineHard() {
        if (!engineProcess) throw new Error("restartEngineHard needs the engine running as a process");
        await killHard(engineProcess);
        await startEngineNow();
      },
      engineProcessId: () => engineProcess?.pid,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The app's Inngest endpoint for these functions on a free loopback port, as the engine reaches it over HTTP. */
export async function serveFunctions(inngest: Inngest.Any, functions: InngestFunction.Any[]) {
  const handler = serve({ client: inngest, functions });
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith("/api/inngest")) return void handler(request, response);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
