import { migrateDatabase } from "@/db/migrate";

const url = process.argv[2] ?? process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate: set DATABASE_URL (or pass the URL as the first argument)");
  process.exit(2);
}
await migrateDatabase(url);
console.log("db:migrate: migrations applied");
