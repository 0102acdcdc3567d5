import {
  canConnect,
  createDatabase,
  dropDatabase,
  startEmbeddedPostgres,
  withDatabase,
  type DatabaseServer,
} from "@/db/dev-database";
import { migrateDatabase } from "@/db/migrate";
import postgres from "postgres";
import { abandonedScratchDatabases, currentScratchOwner, scratchDatabaseName } from "./scratch-database-name";

const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const EMBEDDED_TEST_PORT = 54330;

export interface ScratchDatabase {
  url: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test run: on DATABASE_URL's server, else the local server at
 * 127.0.0.1:5432, else an embedded Postgres. Dropping it also stops an embedded server this call started. Scratch
 * databases that runs killed before their cleanup left behind on that server are dropped first.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  let server: DatabaseServer | undefined;
  let adminUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : undefined;
  if (!adminUrl) {
    if (await canConnect(LOCAL_SERVER_URL)) adminUrl = LOCAL_SERVER_URL;
    else {
      server = await startEmbeddedPostgres({ dataDir: `.data/${prefix}-postgres`, port: EMBEDDED_TEST_PORT });
      adminUrl = server.adminUrl;
    }
  }
  const owner = currentScratchOwner();
  await dropAbandonedScratchDatabases(adminUrl, owner.namespace);
  const name = scratchDatabaseName(prefix, owner);
  const url = await createDatabase(adminUrl, name);
  await migrateDatabase(url);
  const serverAdminUrl = adminUrl;
  return {
    url,
    adminUrl: serverAdminUrl,
    drop: async () => {
      await dropDatabase(serverAdminUrl, name);
      await server?.stop();
    },
  };
}

async function dropAbandonedScratchDatabases(adminUrl: string, namespace: string): Promise<void> {
  for (const name of abandonedScratchDatabases(await databasesOfCurrentRole(adminUrl), namespace)) {
    await dropDatabase(adminUrl, name);
  }
}

/** Another role's databases are not ours to judge, nor could we drop them. */
async function databasesOfCurrentRole(adminUrl: string): Promise<string[]> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datdba = (select oid from pg_roles where rolname = current_user)`;
    return rows.map((row) => row.datname);
  } finally {
    await sql.end();
  }
}
