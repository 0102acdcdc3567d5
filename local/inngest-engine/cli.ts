import { parseArgs } from "node:util";
import { prepareLocalEnvironment } from "@/scripts/local-environment";
import { startEngine } from "./index";

const USAGE = `usage: npm run engine -- [--port 8288] [--schema inngest_engine] [--app-url http://127.0.0.1:3000/api/inngest]...
                      [--poll-interval-ms 100] [--retry-backoff-ms <fixed delay, for tests>]
Postgres comes from DATABASE_URL; without it, the embedded Postgres under .data/ is started.`;

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${flag}: expected a non-negative integer, got "${value}"`);
  return parsed;
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
  const environment = await prepareLocalEnvironment((line) => console.log(`[inngest-engine] ${line}`));
  const databaseUrl = environment.databaseUrl;
  const retryBackoff = positiveInteger(values["retry-backoff-ms"], "--retry-backoff-ms");
  const engine = await startEngine({
    port: positiveInteger(values.port, "--port"),
    databaseUrl,
    schema: values.schema,
    appUrls: values["app-url"],
    pollIntervalMs: positiveInteger(values["poll-interval-ms"], "--poll-interval-ms"),
    retryBackoffMs: retryBackoff === undefined ? undefined : () => retryBackoff,
    log: (message) => console.log(`[inngest-engine] ${new Date().toISOString()} ${message}`),
  });
  console.log(`[inngest-engine] listening on ${engine.url}`);
  const shutdown = () => {
    engine
      .close()
      .then(() => environment.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(`[inngest-engine] ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(1);
});
