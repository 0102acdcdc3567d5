import { spawn } from "node:child_process";
import { createDatabaseClient } from "../db/client";
import { DEMO_ORG_SLUG, seedDemo } from "../db/seed";
import { prepareLocalEnvironment } from "./local-environment";

const log = (line: string) => console.log(`[demo] ${line}`);
const port = process.env.PORT ?? "3000";
const admin = {
  email: process.env.DEMO_ADMIN_EMAIL ?? "admin@demo.local",
  password: process.env.DEMO_ADMIN_PASSWORD ?? "demo-password",
};

const environment = await prepareLocalEnvironment(log);
const database = createDatabaseClient(environment.databaseUrl, { max: 2 });
await seedDemo(database.db, admin);
await database.close();

const next = spawn("npx", ["next", "dev", "--port", port], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, DATABASE_URL: environment.databaseUrl, AUTH_SECRET: environment.authSecret },
});

log(`portal:       http://localhost:${port}/${DEMO_ORG_SLUG}`);
log(`demo admin:   ${admin.email} / ${admin.password}`);
log("press Ctrl-C to stop everything");

let isStopping = false;
async function stop(code = 0) {
  if (isStopping) return;
  isStopping = true;
  log("stopping…");
  next.kill("SIGTERM");
  await environment.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
next.on("exit", (code) => void stop(code ?? 0));
