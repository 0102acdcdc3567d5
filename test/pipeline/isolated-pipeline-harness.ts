import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { createDatabaseClient, type Database } from "@/db/client";
import { createDatabase, dropDatabase, withDatabase } from "@/db/dev-database";
import { migrateDatabase } from "@/db/migrate";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import { startEngine, type RunningEngine } from "@/local/inngest-engine";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import { createPipelineFunctions } from "@/inngest/pipeline";
import { destinationOf } from "@/server/net/destinations";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import type { Scope } from "@/server/scope";
import { testDeps } from "@/test/db";
import { freePort, uniqueEngineSchema } from "./engine-process";
import { serveFunctions } from "./pipeline-harness";
import type { ScenarioHarness } from "./scenario";

export type IsolatedPipelineHarness = ScenarioHarness & {
  /** This harness's own database: the scheduler looks at every service in a database, so it gets one alone. */
  db: Database;
  engine: RunningEngine;
  /** Moves the engine's clock forward, so its minute cron fires now rather than at the next real minute. */
  advanceEngineClock(milliseconds: number): void;
  close(): Promise<void>;
};

const quiet = () => undefined;

/**
 * The whole pipeline — every function, the scheduler included — served over HTTP to an in-process engine, with both
 * emulators, on a scratch database of its own. The shared test database holds the services of every other test file,
 * and a scheduler running there would start jobs for them.
 */
export async function startIsolatedPipelineHarness(options: {
  indicators: number;
  minuteMs: number;
}): Promise<IsolatedPipelineHarness> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne().catch(() => undefined);
  };
  try {
    // On the test run's server (local, DATABASE_URL's or the embedded one), dropped with the harness.
    const testDatabaseUrl = process.env.TEST_DATABASE_URL;
    if (!testDatabaseUrl) throw new Error("TEST_DATABASE_URL is not set; run through vitest");
    const adminUrl = withDatabase(testDatabaseUrl, "postgres");
    const name = `sb_isolated_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const databaseUrl = await createDatabase(adminUrl, name);
    closers.push(() => dropDatabase(adminUrl, name));
    await migrateDatabase(databaseUrl);
    const client = createDatabaseClient(databaseUrl, { max: 6 });
    closers.push(() => client.close());
    const db = client.db;

    const threatConnect: ThreatConnectEmulator = await startThreatConnectEmulator({
      indicators: options.indicators,
      seed: 7,
    });
    closers.push(() => threatConnect.close());
    const azure: AzureEmulator = await startAzureEmulator({ port: 0, minuteMs: options.minuteMs });
    closers.push(() => azure.close());

    const enginePort = await freePort();
    const inngest = new Inngest({
      id: "sentinel-bridge",
      isDev: true,
      baseUrl: `http://127.0.0.1:${enginePort}`,
      logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    });
    const deps = testDeps({
      sentinelEndpoints: { authorityHost: azure.authorityHost, sentinelBaseUrl: azure.sentinelBaseUrl },
      outbound: createOutboundPolicy({ allowlist: destinationOf(new URL(threatConnect.baseUrl)) }),
      events: {
        async send(events) {
          if (events.length > 0) await inngest.send(events);
        },
      },
    });
    const scopeFor = (orgId: string): Scope => ({ db, deps, orgId, actorUserId: null });
    const functions = createPipelineFunctions(inngest, {
      scopeFor,
      system: { db, deps },
      sentinelMinuteMs: options.minuteMs,
      retentionDays: 30,
    });
    const app = await serveFunctions(inngest, functions);
    closers.push(app.close);

    let engineClockOffsetMs = 0;
    const engine = await startEngine({
      port: enginePort,
      databaseUrl,
      schema: uniqueEngineSchema(),
      now: () => new Date(Date.now() + engineClockOffsetMs),
      retryBackoffMs: () => 200,
      pollIntervalMs: 20,
      appUrls: [app.url],
    });
    closers.push(() => engine.close());

    return {
      threatConnect,
      azure,
      scopeFor,
      db,
      engine,
      advanceEngineClock(milliseconds) {
        engineClockOffsetMs += milliseconds;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
