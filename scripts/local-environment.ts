import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDatabase, startEmbeddedPostgres, withDatabase, type DatabaseServer } from "@/db/dev-database";
import { migrateDatabase } from "@/db/migrate";

const DATA_DIR = path.resolve(".data");
export const EMBEDDED_POSTGRES_PORT = 54329;
const EMBEDDED_DATABASE = "sentinel_bridge";

export interface LocalEnvironment {
  databaseUrl: string;
  authSecret: string;
  /** Stops what this process started (the embedded Postgres); a server from DATABASE_URL is left alone. */
  stop(): Promise<void>;
}

/** A random secret generated once per checkout, so sessions survive restarts of the demo. */
function persistentAuthSecret(): string {
  const file = path.join(DATA_DIR, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * DATABASE_URL when set; otherwise an embedded Postgres under .data/ on its own port. Either way the schema is
 * migrated before anything else touches it.
 */
export async function prepareLocalEnvironment(log: (line: string) => void): Promise<LocalEnvironment> {
  let server: DatabaseServer | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    log(`DATABASE_URL is not set: starting embedded Postgres (data in .data/postgres, port ${EMBEDDED_POSTGRES_PORT})`);
    server = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, "postgres"), port: EMBEDDED_POSTGRES_PORT });
    databaseUrl = withDatabase(server.adminUrl, EMBEDDED_DATABASE);
    await createDatabase(server.adminUrl, EMBEDDED_DATABASE).catch((error: unknown) => {
      if (!String(error).includes("already exists")) throw error;
    });
  }
  await migrateDatabase(databaseUrl);
  log("database migrated");
  return {
    databaseUrl,
    authSecret: process.env.AUTH_SECRET ?? persistentAuthSecret(),
    stop: async () => {
      await server?.stop();
    },
  };
}

/**
 * Where demo and dev listen: loopback unless HOST says otherwise, because both run with well-known local
 * credentials (the demo admin's password) that must not be reachable from the network by default.
 */
export function listenAddress(): { host: string; port: number } {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  return { host: process.env.HOST ?? "127.0.0.1", port };
}

/**
 * Runs the Next.js CLI as a direct child (not through npx), so stopping the child really stops the server
 * instead of orphaning it behind a wrapper process.
 */
export function spawnNext(args: string[], env: Record<string, string>): ChildProcess {
  const nextBin = path.resolve("node_modules", "next", "dist", "bin", "next");
  return spawn(process.execPath, [nextBin, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
}
