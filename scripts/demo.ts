import { createDatabaseClient } from "@/db/client";
import { DEMO_ORG_SLUG, seedDemo, seedDemoService } from "./seed-demo";
import { createAppDependencies } from "@/server/deps";
import { prepareLocalEnvironment, spawnNext } from "./local-environment";
import { startStandIns } from "./stand-ins";

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
const standIns = await startStandIns({
  ports: { threatConnect: 8410, azure: 8420, engine: 8288 },
  databaseUrl: environment.databaseUrl,
  indicators: 5000,
  keyringFile: ".data/credentials-keyring",
}).catch(async (error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)} (is another demo running?)`);
  await environment.stop();
  process.exit(1);
});
const { threatConnect, azure, engine } = standIns;

const database = createDatabaseClient(environment.databaseUrl, { max: 2 });
const seedScope = { db: database.db, deps: createAppDependencies(standIns.appEnv) };
const { org } = await seedDemo(seedScope, admin);
await seedDemoService({ ...seedScope, orgId: org.id, actorUserId: null }, standIns.connections);
await database.close();

const next = spawnNext(["dev", "--port", String(port)], {
  ...standIns.appEnv,
  DATABASE_URL: environment.databaseUrl,
  AUTH_SECRET: environment.authSecret,
});

let isStopping = false;
async function stop(code = 0) {
  if (isStopping) return;
  isStopping = true;
  log("stopping…");
  next.kill("SIGTERM");
  await standIns.close();
  await environment.stop();
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
