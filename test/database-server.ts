import { randomBytes } from "node:crypto";
import {
  canConnect,
  createDatabase,
  dropDatabase,
  startEmbeddedPostgres,
  withDatabase,
  type DatabaseServer,
} from "@/db/dev-database";
import { migrateDatabase } from "@/db/migrate";

const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const EMBEDDED_TEST_PORT = 54330;

export interface ScratchDatabase {
  url: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test run: on DATABASE_URL's server, else the local server at
 * 127.0.0.1:5432, else an embedded Postgres. Dropping it also stops an embedded server this call started.
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
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString("hex")}`;
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
