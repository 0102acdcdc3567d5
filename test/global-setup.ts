import { randomBytes } from "node:crypto";
import {
  canConnect,
  createDatabase,
  dropDatabase,
  startEmbeddedPostgres,
  withDatabase,
  type DatabaseServer,
} from "../db/dev-database";
import { extraCaCertificatesWithLocalCa } from "../local/azure/tls";
import { migrateDatabase } from "../db/migrate";

const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * One fresh database per test run, dropped at the end. Workers are forked after this runs, so the URL
 * reaches them through the inherited environment.
 */
export default async function setup() {
  // Node reads NODE_EXTRA_CA_CERTS only at start-up, so it must be set before the workers are forked.
  process.env.NODE_EXTRA_CA_CERTS = await extraCaCertificatesWithLocalCa(process.env.NODE_EXTRA_CA_CERTS);
  let server: DatabaseServer | undefined;
  let adminUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, "postgres") : undefined;
  if (!adminUrl) {
    if (await canConnect(LOCAL_SERVER_URL)) adminUrl = LOCAL_SERVER_URL;
    else {
      server = await startEmbeddedPostgres({ dataDir: ".data/test-pg", port: 54330 });
      adminUrl = server.adminUrl;
    }
  }
  const name = `sb_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  process.env.TEST_DATABASE_URL = await createDatabase(adminUrl, name);
  process.env.TEST_DATABASE_ADMIN_URL = adminUrl;
  await migrateDatabase(process.env.TEST_DATABASE_URL);

  return async () => {
    await dropDatabase(adminUrl, name);
    await server?.stop();
  };
}
