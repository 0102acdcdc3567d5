import { parseArgs } from "node:util";
import { startEngine } from "./index";
import type { LimitOptions, Plan } from "./limits";
import { openLocalDatabase } from "./local-database";

const USAGE = `usage: npm run engine -- [--port 8288] [--schema inngest_engine] [--app-url http://127.0.0.1:3000/api/inngest]...
                      [--poll-interval-ms 100] [--retry-backoff-ms <fixed delay, for tests>]
                      [--plan free|paid] [--max-event-bytes N] [--max-events-per-request N] [--max-steps-per-run N]
                      [--max-step-output-bytes N] [--max-run-state-bytes N] [--step-timeout-ms N]
Postgres comes from DATABASE_URL; without it, the embedded Postgres under .data/ is used (started if needed).
Limits default to Inngest Cloud's (free plan: 256 KiB events; paid: 3 MiB); raise them for a self-hosted target.`;

const LIMIT_FLAGS = {
  "max-event-bytes": "maxEventBytes",
  "max-events-per-request": "maxEventsPerRequest",
  "max-steps-per-run": "maxStepsPerRun",
  "max-step-output-bytes": "maxStepOutputBytes",
  "max-run-state-bytes": "maxRunStateBytes",
  "step-timeout-ms": "stepTimeoutMs",
} as const;

function nonNegativeInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${flag}: expected a non-negative integer, got "${value}"`);
  }
  return parsed;
}

function parsePlan(value: string | undefined): Plan | undefined {
  if (value === undefined || value === "free" || value === "paid") return value;
  throw new Error(`--plan: expected "free" or "paid", got "${value}"`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8288" },
      schema: { type: "string" },
      "app-url": { type: "string", multiple: true },
      "poll-interval-ms": { type: "string" },
      "retry-backoff-ms": { type: "string" },
      plan: { type: "string" },
      ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: "string" as const }])),
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const limits: LimitOptions = { plan: parsePlan(values.plan) };
  for (const [flag, field] of Object.entries(LIMIT_FLAGS)) {
    const raw = (values as Record<string, string | boolean | string[] | undefined>)[flag];
    limits[field] = nonNegativeInteger(typeof raw === "string" ? raw : undefined, `--${flag}`);
  }
  const log = (line: string) => console.log(`[inngest-engine] ${line}`);
  const database = await openLocalDatabase(process.env.DATABASE_URL, log);
  const retryBackoff = nonNegativeInteger(values["retry-backoff-ms"], "--retry-backoff-ms");
  const engine = await startEngine({
    port: nonNegativeInteger(values.port, "--port"),
    databaseUrl: database.databaseUrl,
    schema: values.schema,
    appUrls: values["app-url"],
    pollIntervalMs: nonNegativeInteger(values["poll-interval-ms"], "--poll-interval-ms"),
    retryBackoffMs: retryBackoff === undefined ? undefined : () => retryBackoff,
    limits,
    log: (message) => log(`${new Date().toISOString()} ${message}`),
  }).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  log(`listening on ${engine.url}`);
  const shutdown = () => {
    engine
      .close()
      .then(() => database.stop())
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
