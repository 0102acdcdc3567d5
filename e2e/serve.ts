import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnNext } from "@/scripts/local-environment";
import { startStandIns } from "@/scripts/stand-ins";
import { createScratchDatabase } from "@/test/database-server";
import { RUNTIME_FILE, type E2eRuntime } from "./runtime";

/**
 * The production build against a scratch database and fresh stand-ins, as Playwright's webServer. Everything it
 * starts is stopped, and the database dropped, when Playwright sends SIGTERM at the end of the run.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
if (!existsSync(".next/BUILD_ID")) {
  console.error("e2e: no production build found; run `npm run build` first (npm test does this for you)");
  process.exit(2);
}

const database = await createScratchDatabase("sb_e2e");
const standIns = await startStandIns({
  ports: { threatConnect: 0, azure: 0, engine: 0 },
  databaseUrl: database.url,
  indicators: 2000,
});
const { azure, engine, connections } = standIns;
const runtime: E2eRuntime = {
  baseUrl: `http://127.0.0.1:${port}`,
  databaseUrl: database.url,
  threatConnect: connections.threatConnect,
  azure: { ...connections.azure, authorityHost: azure.authorityHost, sentinelBaseUrl: azure.sentinelBaseUrl },
  engineUrl: engine.url,
};
mkdirSync(path.dirname(RUNTIME_FILE), { recursive: true });
writeFileSync(RUNTIME_FILE, JSON.stringify(runtime, null, 2));

const next = spawnNext(["start", "--port", String(port), "--hostname", "127.0.0.1"], {
  ...standIns.appEnv,
  NODE_ENV: "production",
  DATABASE_URL: database.url,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
});

let isStopping = false;
async function stop() {
  if (isStopping) return;
  isStopping = true;
  next.kill("SIGTERM");
  await standIns.close();
  await database.drop().catch((error: unknown) => console.error("e2e: could not drop database", error));
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
next.on("exit", () => void stop());
