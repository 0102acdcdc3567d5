import { createDatabaseClient } from "../db/client";
import { DEMO_ORG_SLUG, seedDemo } from "../db/seed";
import { startAzureEmulator } from "../local/azure";
import { extraCaCertificatesWithLocalCa } from "../local/azure/tls";
import { startEngine } from "../local/inngest-engine";
import { startThreatConnectEmulator } from "../local/threatconnect";
import { prepareLocalEnvironment, spawnNext } from "./local-environment";

/**
 * Everything on one machine: Postgres (embedded unless DATABASE_URL), the ThreatConnect and Azure emulators,
 * the local Inngest engine, and the portal in development mode, with the demo organization seeded.
 */
const log = (line: string) => console.log(`[demo] ${line}`);
const port = Number(process.env.PORT ?? 3000);
const admin = {
  email: process.env.DEMO_ADMIN_EMAIL ?? "admin@demo.local",
  password: process.env.DEMO_ADMIN_PASSWORD ?? "demo-password",
};

const environment = await prepareLocalEnvironment(log);
const closers: (() => Promise<unknown>)[] = [() => environment.stop()];

/** Starts one stand-in; on failure, stops what already runs and exits with the reason (usually a busy port). */
async function start<T extends { close(): Promise<void> }>(name: string, starting: () => Promise<T>): Promise<T> {
  try {
    const started = await starting();
    closers.unshift(() => started.close());
    return started;
  } catch (error) {
    console.error(`[demo] could not start ${name}: ${error instanceof Error ? error.message : String(error)}`);
    for (const close of closers) await close().catch(() => undefined);
    process.exit(1);
  }
}

const threatConnect = await start("the ThreatConnect emulator", () =>
  startThreatConnectEmulator({ port: 8410, indicators: 5000, seed: 1 }),
);
const azure = await start("the Azure emulator", () => startAzureEmulator({ port: 8420 }));
const engine = await start("the Inngest engine", () => startEngine({ port: 8288, databaseUrl: environment.databaseUrl }));
const extraCaCertificates = await extraCaCertificatesWithLocalCa(process.env.NODE_EXTRA_CA_CERTS);

const database = createDatabaseClient(environment.databaseUrl, { max: 2 });
await seedDemo(database.db, admin);
await database.close();

const next = spawnNext(["dev", "--port", String(port)], {
  DATABASE_URL: environment.databaseUrl,
  AUTH_SECRET: environment.authSecret,
  NODE_EXTRA_CA_CERTS: extraCaCertificates,
  INNGEST_DEV: "1",
  INNGEST_BASE_URL: engine.url,
});

let isStopping = false;
async function stop(code = 0) {
  if (isStopping) return;
  isStopping = true;
  log("stopping…");
  next.kill("SIGTERM");
  for (const close of closers) await close().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
next.on("exit", (code) => void stop(code ?? 0));

const appUrl = `http://127.0.0.1:${port}`;
await waitForHttp(`${appUrl}/api/inngest`);
await engine.sync(`${appUrl}/api/inngest`);

log(`portal            ${appUrl}/${DEMO_ORG_SLUG}`);
log(`demo admin        ${admin.email} / ${admin.password}`);
log(`ThreatConnect     ${threatConnect.baseUrl}  (access id ${threatConnect.accessId}, 5,000 indicators)`);
log(`Entra ID/Sentinel ${azure.authorityHost}  (tenant ${azure.tenantId}, workspace ${azure.workspaceId})`);
log(`Inngest engine    ${engine.url}  (runs at ${engine.url}/runs)`);
log("press Ctrl-C to stop everything");

/** The dev server compiles a route on first request, so poll until it answers. */
async function waitForHttp(url: string) {
  for (;;) {
    if (isStopping) return;
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
