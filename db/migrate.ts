import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** Applies committed migrations; safe to run on every start because applied ones are skipped. */
export async function migrateDatabase(url: string): Promise<void> {
  const connection = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(drizzle(connection, { casing: "snake_case" }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await connection.end();
  }
}
