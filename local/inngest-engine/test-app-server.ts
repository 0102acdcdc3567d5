import { parseArgs } from "node:util";
import { ExecutionLog, startConformanceApp } from "./test-app";

/** Runs the conformance app in its own process, so a test can kill -9 it mid-step and start it again. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "engine-url": { type: "string" },
      "database-url": { type: "string" },
      "log-schema": { type: "string" },
    },
  });
  const engineUrl = values["engine-url"];
  const databaseUrl = values["database-url"];
  const logSchema = values["log-schema"];
  if (!values.port || !engineUrl || !databaseUrl || !logSchema) {
    throw new Error("--port, --engine-url, --database-url and --log-schema are required");
  }
  const log = new ExecutionLog(databaseUrl, logSchema);
  await log.init();
  const app = await startConformanceApp({
    engineUrl,
    log,
    port: Number(values.port),
  });
  console.log(`[conformance-app] listening on ${app.url}`);
}

main().catch((error: unknown) => {
  console.error(`[conformance-app] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
