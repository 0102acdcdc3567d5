import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";

/**
 * `npm test`: every suite in order (vitest units and router tests, then the production build, then Playwright),
 * ending with one `N passed, N failed` line that sums them all. A suite that crashes before reporting counts as
 * a failure, so a broken run can never look green.
 */
const UNIT_RESULTS = "test-results/unit-results.json";
const E2E_RESULTS = "test-results/e2e-results.json";

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n=== ${label}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status === 0;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

rmSync(UNIT_RESULTS, { force: true });
rmSync(E2E_RESULTS, { force: true });

let passed = 0;
let failed = 0;
const problems: string[] = [];

const unitOk = run("unit and integration tests", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${UNIT_RESULTS}`,
]);
const unit = readJson<{ numPassedTests: number; numFailedTests: number }>(UNIT_RESULTS);
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
}
if (!unitOk && (!unit || unit.numFailedTests === 0)) problems.push("vitest exited with an error");

// The build only needs env values to exist; nothing connects at build time.
const buildEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: process.env.DATABASE_URL ?? "postgres://build@127.0.0.1:1/build",
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
};
const buildOk = run("production build", "npx", ["next", "build"], buildEnv);
if (!buildOk) problems.push("next build failed, so the browser suite did not run");

if (buildOk) {
  const e2eOk = run("browser tests", "npx", ["playwright", "test"]);
  const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(E2E_RESULTS);
  if (e2e) {
    passed += e2e.stats.expected + e2e.stats.flaky;
    failed += e2e.stats.unexpected;
  }
  if (!e2eOk && (!e2e || e2e.stats.unexpected === 0)) problems.push("playwright exited with an error");
}

for (const problem of problems) console.error(`test-all: ${problem}`);
if (problems.length > 0) failed += problems.length;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
