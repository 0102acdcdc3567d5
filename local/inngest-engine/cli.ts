import { parseArgs } from "node:util";
import { startEngine } from "./index";

const USAGE = `usage: npm run engine -- [--port 8288] [--schema inngest_engine] [--app-url http://127.0.0.1:3000/api/inngest]...
                      [--poll-interval-ms 100] [--retry-backoff-ms <fixed delay, for tests>]
Postgres comes from DATABASE_URL.`;

function positiveInteger(
  value: string | undefined,
  flag: string,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${flag}: expected a non-negative integer, got "${value}"`);
  return parsed;
}

/** The lead's shared helper starts an embedded Postgres when no server is configured; use it once it exists. */
async function resolveDatabaseUrl(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const devDatabase: Record<string, unknown> =
    await import("../../db/dev-database");
  const resolve = devDatabase.resolveDevDatabaseUrl;
  if (typeof resolve !== "function") return undefined;
  const url: unknown = await (resolve as () => unknown)();
  return typeof url === "string" ? url : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8288" },
      schema: { type: "string" },
      "app-url": { type: "string", multiple: true },
      "poll-interval-ms": { type: "string" },
      "retry-backoff-ms": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const databaseUrl = await resolveDatabaseUrl();
  if (!databaseUrl) {
    throw new Error(
      "DATABASE_URL is not set; point it at a Postgres database, e.g. postgres://postgres@127.0.0.1:5432/postgres",
    );
  }
  const retryBackoff = positiveInteger(
    values["retry-backoff-ms"],
    "--retry-backoff-ms",
  );
  const engine = await startEngine({
    port: positiveInteger(values.port, "--port"),
    databaseUrl,
    schema: values.schema,
    appUrls: values["app-url"],
    pollIntervalMs: positiveInteger(
      values["poll-interval-ms"],
      "--poll-interval-ms",
    ),
    retryBackoffMs: retryBackoff === undefined ? undefined : () => retryBackoff,
    log: (message) =>
      console.log(`[inngest-engine] ${new Date().toISOString()} ${message}`),
  });
  console.log(`[inngest-engine] listening on ${engine.url}`);
  const shutdown = () => {
    engine.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(
    `[inngest-engine] ${error instanceof Error ? error.message : String(error)}`,
  );
  console.error(USAGE);
  process.exit(1);
});
