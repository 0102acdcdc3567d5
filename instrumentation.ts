/** Runs once per server start, before requests: the schema is always current with the code serving it. */
export async function register() {
  // Next inlines this literal per runtime, which is what keeps Node-only migration code out of the edge bundle,
  // so it cannot go through env.ts.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const [{ env }, { migrateDatabase }] = await Promise.all([import("./env"), import("./db/migrate")]);
    await migrateDatabase(env.DATABASE_URL);
  }
}
