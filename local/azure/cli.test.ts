import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSentinelClient } from "@/server/sentinel";
import { DEFAULT_IDENTITIES } from "./directory";

let cli: ChildProcess;
let banner = "";

beforeAll(async () => {
  cli = spawn(process.execPath, ["--import", "tsx", "local/azure/cli.ts", "--port", "0", "--minute-ms", "6000"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cli.stdout?.setEncoding("utf8");
  cli.stdout?.on("data", (chunk: string) => {
    banner += chunk;
  });
  while (!banner.includes("control API")) {
    const [exited] = await Promise.race([once(cli.stdout ?? cli, "data"), once(cli, "exit").then(() => [true])]);
    if (exited === true) throw new Error(`emulator CLI exited early: ${banner}`);
  }
});

afterAll(async () => {
  if (cli.exitCode === null) {
    cli.kill("SIGTERM");
    await once(cli, "exit");
  }
});

function printed(label: string): string {
  const value = new RegExp(`${label}\\s+(\\S+)`).exec(banner)?.[1];
  if (!value) throw new Error(`the CLI did not print ${label}: ${banner}`);
  return value;
}

it("prints the authority, the Sentinel base URL, the CA file and the default identities", () => {
  expect(printed("authority host")).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(printed("Sentinel base URL")).toBe(printed("authority host"));
  expect(printed("trust this CA")).toMatch(/^NODE_EXTRA_CA_CERTS=.+ca\.pem$/);
  expect(printed("workspace id")).toBe(DEFAULT_IDENTITIES.workspaceId);
});

it("takes an upload from the product client through msal-node over HTTPS", async () => {
  const client = createSentinelClient(
    {
      cloud: "public",
      tenantId: printed("tenant id"),
      clientId: printed("client id"),
      clientSecret: printed("client secret"),
      workspaceId: printed("workspace id"),
      api: "stix-objects",
    },
    { endpoints: { authorityHost: printed("authority host"), sentinelBaseUrl: printed("Sentinel base URL") } },
  );
  const outcome = await client.upload("ThreatConnect-Cli", [
    {
      type: "indicator",
      spec_version: "2.1",
      id: "indicator--6f0e1d2c-3b4a-4958-8677-8695a4b3c2d1",
      created: "2026-01-01T00:00:00.000Z",
      modified: "2026-01-01T00:00:00.000Z",
      pattern: "[domain-name:value = 'evil.example']",
      pattern_type: "stix",
      valid_from: "2026-01-01T00:00:00.000Z",
    },
  ]);
  expect(outcome).toEqual({ accepted: 1, rejected: [] });
  const counts = (await (await fetch(`${printed("authority host")}/_emulator/counts`)).json()) as { counts: unknown[] };
  expect(counts.counts).toEqual([
    { workspaceId: DEFAULT_IDENTITIES.workspaceId, sourcesystem: "ThreatConnect-Cli", objects: 1, revoked: 0 },
  ]);
});
