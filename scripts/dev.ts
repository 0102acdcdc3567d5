import { listenAddress, prepareLocalEnvironment, spawnNext } from "./local-environment";

const log = (line: string) => console.log(`[dev] ${line}`);
const { host, port } = listenAddress();
const environment = await prepareLocalEnvironment(log);
const next = spawnNext(["dev", "--port", String(port), "--hostname", host], {
  DATABASE_URL: environment.databaseUrl,
  AUTH_SECRET: environment.authSecret,
});
// Next's dev server only serves its scripts to the origin it expects, so the browser must use localhost.
log(`open http://localhost:${port} (listening on ${host})`);

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
