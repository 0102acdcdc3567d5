import { Inngest } from "inngest";
import { createDatabaseClient } from "@/db/client";
import { createAppDependencies } from "@/server/deps";
import { requestJob } from "@/server/jobs";
import { listenAddress, prepareLocalEnvironment, spawnNext } from "./local-environment";
import { claimDemoStarts, forgetDemoSends } from "./demo-reset";
import { ensureProductionBuild } from "./production-build";
import { DEMO_ORG_SLUG, seedDemo, seedDemoServices, stageDemoFeed } from "./seed-demo";
import { startStandIns } from "./stand-ins";

/**
 * Everything on one machine: Postgres (embedded unless DATABASE_URL), the ThreatConnect and Azure emulators,
 * the local Inngest engine, and the portal's production build (rebuilt only when sources changed), with the
 * demo organization seeded. It listens on loopback unless HOST says otherwise: the admin password is public.
 */
const log = (line: string) => console.log(`[demo] ${line}`);
const { host, port } = listenAddress();
const admin = {
  email: process.env.DEMO_ADMIN_EMAIL ?? "admin@demo.local",
  password: process.env.DEMO_ADMIN_PASSWORD ?? "demo-password",
};
// A second demo (the browser test of the demo itself) must not collide with the fixed stand-in ports.
const standInPorts =
  process.env.DEMO_EPHEMERAL_PORTS === "1"
    ? { threatConnect: 0, azure: 0, engine: 0 }
    : { threatConnect: 8410, azure: 8420, engine: 8288 };

if (!ensureProductionBuild(log)) {
  console.error("[demo] the production build failed; fix the errors above and run the demo again");
  process.exit(1);
}
const environment = await prepareLocalEnvironment(log);
const standIns = await startStandIns({
  ports: standInPorts,
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
const demoServices = await seedDemoServices({ ...seedScope, orgId: org.id, actorUserId: null }, standIns.connections);
const demoService = demoServices.demo;
await forgetDemoSends(
  database.db,
  Object.values(demoServices).map((service) => service.id),
);
await claimDemoStarts(database.db, [demoService.id, demoServices.failing.id], new Date());
await database.close();
stageDemoFeed(standIns);

const isAnyInterface = host === "0.0.0.0" || host === "::";
const localHost = isAnyInterface || host === "127.0.0.1" || host === "::1" ? "localhost" : host;
const appUrl = `http://${localHost.includes(":") ? `[${localHost}]` : localHost}:${port}`;

const next = spawnNext(["start", "--port", String(port), "--hostname", host], {
  ...standIns.appEnv,
  NODE_ENV: "production",
  DATABASE_URL: environment.databaseUrl,
  AUTH_SECRET: environment.authSecret,
  // The URL printed below, so the failure notice links to the job rather than to a bare path.
  PORTAL_URL: appUrl,
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

await waitForHttp(`${appUrl}/api/inngest`);
await engine.sync(`${appUrl}/api/inngest`);
const firstUpdate = await requestDemoFullUpdate(demoService.id);
// Started now rather than by the scheduler's next minute, so its failure notice is in the outbox within a minute.
const failingUpdate = await requestDemoFullUpdate(demoServices.failing.id);

log(`portal            ${appUrl}/${DEMO_ORG_SLUG}${isAnyInterface ? "  (listening on every interface: HOST)" : ""}`);
log(`demo admin        ${admin.email} / ${admin.password}`);
log(`ThreatConnect     ${threatConnect.baseUrl}  (access id ${threatConnect.accessId}, 5,002 indicators)`);
log(`Entra ID/Sentinel ${azure.authorityHost}  (tenant ${azure.tenantId}, workspace ${azure.workspaceId})`);
log(`Inngest engine    ${engine.url}  (runs at ${engine.url}/runs)`);
log(`first sync        full update ${firstUpdate.requestId} of "${demoService.name}" is running (see JOBS)`);
log(
  `expected failure  full update ${failingUpdate.requestId} of "${demoServices.failing.name}" (see REPORTS → Notifications)`,
);
log(`start by hand     "${demoServices.bulk.name}": CONFIGURE → Edit → Save → Save and Run Full Update`);
log("press Ctrl-C to stop everything");

/** A full update of a demo service, sent to the engine the portal was just synced with. */
async function requestDemoFullUpdate(serviceId: string) {
  const events = new Inngest({ id: "sentinel-bridge", isDev: true, baseUrl: engine.url });
  const client = createDatabaseClient(environment.databaseUrl, { max: 1 });
  const deps = createAppDependencies(standIns.appEnv, {
    events: {
      async send(batch) {
        await events.send(batch);
      },
    },
  });
  try {
    const scope = { db: client.db, deps, orgId: org.id, actorUserId: null };
    return await requestJob(scope, { serviceId, mode: "full", trigger: "manual" });
  } finally {
    await client.close();
  }
}

/** Polls until the server answers, so the URL is printed only once it works. */
async function waitForHttp(url: string) {
  for (;;) {
    if (isStopping) return;
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
