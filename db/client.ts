import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle is usable wherever the database is. */
export type DatabaseOrTransaction = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export function createDatabaseClient(url: string, options: { max?: number } = {}) {
  const connection = postgres(url, { max: options.max ?? 10, onnotice: () => undefined });
  const db = drizzle(connection, { schema, casing: "snake_case" });
  return { db, close: () => connection.end({ timeout: 5 }) };
}
