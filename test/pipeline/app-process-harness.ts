import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { startAzureEmulator, type AzureEmulator, type FaultSettings } from "@/local/azure";
import { startEngine, type RunningEngine } from "@/local/inngest-engine";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import { destinationOf } from "@/server/net/destinations";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import type { Scope } from "@/server/scope";
import { TEST_KEYS, testDb, testDeps } from "@/test/db";
import { spawnApp, type AppProcess } from "./app-process";
import { freePort, killHard, spawnEngine, uniqueEngineSchema } from "./engine-process";
import type { ScenarioHarness } from "./scenario";

export type AppProcessHarnessOptions = {
  indicators: number;
  seed?: number;
  minuteMs: number;
  azureFaults?: Partial<FaultSettings>;
  /**
   * "process" runs the engine as `npm run engine` does, in a process of its own too, so a benchmark measures the app
   * and the engine apart from the emulators, which stay in the test process.
   */
  engine?: "in-process" | "process";
};

export type AppProcessHarness = ScenarioHarness & {
  /** The application_name of the app process's Postgres sessions. */
  applicationName: string;
  /** Throws, with the app's last output, once its process has exited (which only a kill or a crash does). */
  assertAppAlive(): void;
  /** Kills the app's process with SIGKILL and starts it again on the same port; resolves once it listens. */
  restartAppHard(): Promise<void>;
  appProcessId(): number | undefined;
  /** Undefined when the engine runs in the test process. */
  engineProcessId(): number | undefined;
  close(): Promise<void>;
};

/**
 * Doubling from 1.5 s, at most 12 s between attempts: a restarted app took 5–6 s to listen on a loaded 2-core machine,
 * and each call the engine makes meanwhile fails as an attempt, as with Inngest's own backoff; a run's five attempts
 * then outlast about 22 s without the app. The fixed 200 ms of pipeline-harness would spend them in one second.
 */
const retryBackoffMs = (attempt: number) => Math.min(1500 * 2 ** attempt, 12_000);
const quiet = () => undefined;

/**
 * The pipeline with the app in a process of its own (`app-server.ts`, configured through the portal's environment)
 * and the engine in this one, so a drill can kill -9 the app mid-job. The emulators, the database and the test's
 * verbs (creating services, requesting jobs) stay in the test process, as the portal would run them.
 */
export async function startAppProcessHarness(options: AppProcessHarnessOptions): Promise<AppProcessHarness> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error("TEST_DATABASE_URL is not set; run through vitest");
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne().catch(() => undefined);
  };

  try {
    const threatConnect: ThreatConnectEmulator = await startThreatConnectEmulator({
      indicators: options.indicators,
      seed: options.seed ?? 1,
    });
    closers.push(() => threatConnect.close());
    const azure: AzureEmulator = await startAzureEmulator({
      port: 0,
      minuteMs: options.minuteMs,
      faults: options.azureFaults,
    });
    closers.push(() => azure.close());

    const engineUrl = `http://127.0.0.1:${await freePort()}`;
    const appPort = await freePort();
    const appBaseUrl = `http://127.0.0.1:${appPort}/api/inngest`;
    const inngest = new Inngest({
      id: "sentinel-bridge",
      isDev: true,
      baseUrl: engineUrl,
      logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    });
    const threatConnectDestination = destinationOf(new URL(threatConnect.baseUrl));
    const deps = testDeps({
      sentinelEndpoints: { authorityHost: azure.authorityHost, sentinelBaseUrl: azure.sentinelBaseUrl },
      outbound: createOutboundPolicy({ allowlist: threatConnectDestination }),
      events: {
        async send(events) {
          if (events.length > 0) await inngest.send(events);
        },
      },
    });
    const scopeFor = (orgId: string): Scope => ({ db: testDb, deps, orgId, actorUserId: null });

    const appSettings = {
      port: appPort,
      databaseUrl,
      engineUrl,
      credentialKeys: `${TEST_KEYS.a},${TEST_KEYS.b}`,
      sentinelAuthorityHost: azure.authorityHost,
      sentinelBaseUrl: azure.sentinelBaseUrl,
      outboundAllowlist: threatConnectDestination,
      sentinelMinuteMs: options.minuteMs,
      applicationName: `drill-app-${randomBytes(3).toString("hex")}`,
    };
    let app: AppProcess = await spawnApp(appSettings);
    closers.push(() => killHard(app.child));

    const engineSettings = {
      port: Number(new URL(engineUrl).port),
      databaseUrl,
      schema: uniqueEngineSchema(),
      pollIntervalMs: 20,
    };
    let engineProcess: ChildProcess | undefined;
    if (options.engine === "process") {
      // The CLI takes one fixed backoff; the first step of the in-process engine's doubling.
      engineProcess = await spawnEngine({ ...engineSettings, retryBackoffMs: retryBackoffMs(0), appUrl: appBaseUrl });
      const spawned = engineProcess;
      closers.push(() => killHard(spawned));
    } else {
      const engine: RunningEngine = await startEngine({ ...engineSettings, retryBackoffMs, appUrls: [appBaseUrl] });
      closers.push(() => engine.close());
    }

    return {
      threatConnect,
      azure,
      scopeFor,
      applicationName: appSettings.applicationName,
      assertAppAlive() {
        const { exitCode, signalCode } = app.child;
        if (exitCode !== null || signalCode !== null) {
          throw new Error(`the app's process exited (${exitCode ?? signalCode}): ${app.recentOutput()}`);
        }
      },
      async restartAppHard() {
        await killHard(app.child);
        app = await spawnApp(appSettings);
      },
      appProcessId: () => app.child.pid,
      engineProcessId: () => engineProcess?.pid,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
