import { parseArgs } from "node:util";
import { DEFAULT_IDENTITIES, startAzureEmulator } from "./index";

const usage = `Usage: npm run emulate:azure -- [--port 8420] [--tenant-id GUID] [--client-id GUID] [--client-secret S]
                              [--workspace-id GUID] [--minute-ms 60000] [--tls-dir .data/local-ca]`;

function parsePositiveInteger(name: string, value: string | undefined, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < (allowZero ? 0 : 1)) {
    throw new Error(`--${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got '${value}'`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "tenant-id": { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "workspace-id": { type: "string" },
      "minute-ms": { type: "string" },
      "tls-dir": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const tenantId = values["tenant-id"] ?? DEFAULT_IDENTITIES.tenantId;
  const clientId = values["client-id"] ?? DEFAULT_IDENTITIES.clientId;
  const clientSecret = values["client-secret"] ?? DEFAULT_IDENTITIES.clientSecret;
  const workspaceId = values["workspace-id"] ?? DEFAULT_IDENTITIES.workspaceId;
  const emulator = await startAzureEmulator({
    port: parsePositiveInteger("port", values.port, 8420, true),
    minuteMs: parsePositiveInteger("minute-ms", values["minute-ms"], 60_000, false),
    tlsDir: values["tls-dir"],
    tenants: [
      {
        tenantId,
        apps: [
          { clientId, secrets: [clientSecret], displayName: "Sentinel Bridge" },
          {
            clientId: DEFAULT_IDENTITIES.unprivilegedClientId,
            secrets: [DEFAULT_IDENTITIES.unprivilegedClientSecret],
            displayName: "Sentinel Bridge (no Sentinel role)",
          },
        ],
      },
    ],
    workspaces: [{ workspaceId, tenantId, sentinelContributors: [clientId] }],
  });
  // The secret is printed on purpose: it is the emulator's own fixed or operator-chosen test value.
  console.log(`Azure emulator (Entra ID + Microsoft Sentinel) listening on ${emulator.authorityHost}
  authority host     ${emulator.authorityHost}   (authority ${emulator.authorityHost}/${tenantId})
  Sentinel base URL  ${emulator.sentinelBaseUrl}
  trust this CA      NODE_EXTRA_CA_CERTS=${emulator.caPath}
  tenant id          ${tenantId}
  client id          ${clientId}
  client secret      ${clientSecret}
  workspace id       ${workspaceId}
  no-role client     ${DEFAULT_IDENTITIES.unprivilegedClientId} / ${DEFAULT_IDENTITIES.unprivilegedClientSecret}
  control API        ${emulator.authorityHost}/_emulator/{objects,counts,requests,directory,faults,reset}`);

  const shutdown = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exit(1);
});
