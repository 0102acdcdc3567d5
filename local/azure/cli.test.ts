import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
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

// The product's client (msal-node) against this CLI is covered in server/sentinel; local/ never imports it.
it("issues a token and takes an upload over HTTPS with the printed identities", async () => {
  const authority = printed("authority host");
  const tokenResponse = await fetch(`${authority}/${printed("tenant id")}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: printed("client id"),
      client_secret: printed("client secret"),
      scope: "https://management.azure.com/.default",
    }),
  });
  const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
  const upload = await fetch(
    `${printed("Sentinel base URL")}/workspaces/${printed("workspace id")}/threat-intelligence-stix-objects:upload?api-version=2024-02-01-preview`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        sourcesystem: "ThreatConnect-Cli",
        stixobjects: [
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
        ],
      }),
    },
  );
  expect(upload.status).toBe(200);
  expect(await upload.text()).toBe("");
  const counts = (await (await fetch(`${printed("authority host")}/_emulator/counts`)).json()) as { counts: unknown[] };
  expect(counts.counts).toEqual([
    { workspaceId: DEFAULT_IDENTITIES.workspaceId, sourcesystem: "ThreatConnect-Cli", objects: 1, revoked: 0 },
  ]);
});
