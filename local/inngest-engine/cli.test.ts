import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { requireTestDatabaseUrl, uniqueSchema } from "./test-helpers";

const databaseUrl = requireTestDatabaseUrl();
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "cli.ts");
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

/** Resolves with the engine's URL once it listens, or with its exit code and output when it stops first. */
function runCli(args: string[]): Promise<{ url?: string; code?: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0", ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ url, output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("engine CLI", () => {
  it("passes the limit flags to the engine", async () => {
    const { url, output } = await runCli(["--schema", uniqueSchema("engine_cli"), "--max-event-bytes", "100"]);
    expect(url, output).toBeDefined();
    const response = await fetch(`${url}/e/key`, {
      method: "POST",
      body: JSON.stringify([{ name: "cli/test", data: { padding: "p".repeat(100) } }]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Event is over the max size: Max 100 bytes/);
  }, 30_000);

  it("stops with the flag and the reason for a bad plan or limit", async () => {
    const badPlan = await runCli(["--plan", "gold"]);
    expect(badPlan.code).toBe(1);
    expect(badPlan.output).toContain('--plan: expected "free" or "paid", got "gold"');
    const zeroLimit = await runCli(["--schema", uniqueSchema("engine_cli"), "--max-steps-per-run", "0"]);
    expect(zeroLimit.code).toBe(1);
    expect(zeroLimit.output).toContain("limits.maxStepsPerRun: must be a positive integer, got 0");
    const notNumber = await runCli(["--step-timeout-ms", "soon"]);
    expect(notNumber.code).toBe(1);
    expect(notNumber.output).toContain('--step-timeout-ms: expected a non-negative integer, got "soon"');
  }, 60_000);
});
