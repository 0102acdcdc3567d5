import { extraCaCertificatesWithLocalCa } from "@/local/azure/tls";
import { createScratchDatabase } from "./database-server";

/**
 * One fresh database per test run, dropped at the end. Workers are forked after this runs, so what is set on
 * process.env here reaches them through the inherited environment.
 */
export default async function setup() {
  // Node reads NODE_EXTRA_CA_CERTS only at start-up, so it must be set before the workers are forked.
  process.env.NODE_EXTRA_CA_CERTS = await extraCaCertificatesWithLocalCa(process.env.NODE_EXTRA_CA_CERTS);
  const database = await createScratchDatabase("sb_test");
  process.env.TEST_DATABASE_URL = database.url;
  return () => database.drop();
}
