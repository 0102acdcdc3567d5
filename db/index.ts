import "server-only";
import { env } from "@/env";
import { createDatabaseClient } from "./client";

// Dev hot reloads re-evaluate modules; keeping the client on globalThis stops each reload leaking a pool.
const globalForDb = globalThis as unknown as { sentinelBridgeDb?: ReturnType<typeof createDatabaseClient> };
const client = globalForDb.sentinelBridgeDb ?? createDatabaseClient(env.DATABASE_URL);
if (env.NODE_ENV !== "production") globalForDb.sentinelBridgeDb = client;

export const db = client.db;
export type { Database } from "./client";
