import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * `npm run bench:<name> -- --flag value`: runs bench/<name>.bench-run.ts under bench/vitest.config.ts with the flags
 * passed as BENCH_* variables, then prints the figures the run wrote as the last line of output.
 */
const [name, ...rest] = process.argv.slice(2);
if (!name) throw new Error("usage: tsx bench/run.ts <name> [--indicators N] [--minute-ms N] ...");
const { values } = parseArgs({
  args: rest,
  options: {
    indicators: { type: "string" },
    "minute-ms": { type: "string" },
    jobs: { type: "string" },
    tasks: { type: "string" },
    errors: { type: "string" },
    workers: { type: "string" },
  },
});
const resultDir = join(process.cwd(), ".data", "bench");
mkdirSync(resultDir, { recursive: true });
const resultFile = join(resultDir, `${name}.json`);
rmSync(resultFile, { force: true });

const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULT_FILE: resultFile };
for (const [flag, value] of Object.entries(values)) {
  env[`BENCH_${flag.replace(/-/g, "_").toUpperCase()}`] = String(value);
}
const run = spawnSync("npx", ["vitest", "run", "--config", "bench/vitest.config.ts", `bench/${name}.bench-run.ts`], {
  stdio: "inherit",
  env,
});
let figures: string;
try {
  figures = readFileSync(resultFile, "utf8").trim();
} catch {
  process.exitCode = run.status === 0 ? 1 : (run.status ?? 1);
  throw new Error(`bench ${name} wrote no figures (vitest exit ${run.status})`);
}
process.exitCode = run.status ?? 1;
console.log(figures);
