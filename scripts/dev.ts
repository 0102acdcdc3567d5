import { prepareLocalEnvironment, spawnNext } from "./local-environment";

const log = (line: string) => console.log(`[dev] ${line}`);
const environment = await prepareLocalEnvironment(log);
const next = spawnNext(["dev", "--port", process.env.PORT ?? "3000"], {
  DATABASE_URL: environment.databaseUrl,
  AUTH_SECRET: environment.authSecret,
});

let isStopping = false;
async function stop() {
  if (isStopping) return;
  isStopping = true;
  next.kill("SIGTERM");
  await environment.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
next.on("exit", () => void stop());
