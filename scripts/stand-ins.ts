import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import { extraCaCertificatesWithLocalCa } from "@/local/azure/tls";
import { startEngine } from "@/local/inngest-engine";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import { destinationOf } from "@/server/net/destinations";

export interface StandInPorts {
  threatConnect: number;
  azure: number;
  engine: number;
}

export interface StandIns {
  threatConnect: ThreatConnectEmulator;
  azure: AzureEmulator;
  engine: Awaited<ReturnType<typeof startEngine>>;
  /** The environment the portal needs to use these stand-ins through its real clients. */
  appEnv: Record<string, string>;
  /** The credentials a service needs to reach the emulators, as an admin would type them. */
  connections: {
    threatConnect: { baseUrl: string; accessId: string; secretKey: string };
    azure: { tenantId: string; clientId: string; clientSecret: string; workspaceId: string };
  };
  close(): Promise<void>;
}

/** A key generated once per checkout (or per e2e run), so demo secrets stay readable across restarts. */
export function localCredentialsKeyring(file: string | undefined): string {
  const generate = () => `local:${randomBytes(32).toString("base64")}`;
  if (!file) return generate();
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const keyring = generate();
  writeFileSync(file, keyring, { mode: 0o600 });
  return keyring;
}

/**
 * The ThreatConnect and Azure emulators and the Inngest engine, started in this process. If one fails to start
 * (a busy port, usually), the ones already running are closed before the error propagates.
 */
export async function startStandIns(options: {
  ports: StandInPorts;
  databaseUrl: string;
  indicators: number;
  keyringFile?: string;
}): Promise<StandIns> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  async function start<T extends { close(): Promise<void> }>(name: string, starting: () => Promise<T>): Promise<T> {
    try {
      const started = await starting();
      closers.push(() => started.close());
      return started;
    } catch (error) {
      await close();
      throw new Error(`could not start ${name}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  const threatConnect = await start("the ThreatConnect emulator", () =>
    startThreatConnectEmulator({ port: options.ports.threatConnect, indicators: options.indicators, seed: 1 }),
  );
  const azure = await start("the Azure emulator", () => startAzureEmulator({ port: options.ports.azure }));
  const engine = await start("the Inngest engine", () =>
    startEngine({ port: options.ports.engine, databaseUrl: options.databaseUrl }),
  );
  return {
    threatConnect,
    azure,
    engine,
    appEnv: {
      NODE_EXTRA_CA_CERTS: await extraCaCertificatesWithLocalCa(process.env.NODE_EXTRA_CA_CERTS),
      CREDENTIALS_ENCRYPTION_KEYS: localCredentialsKeyring(options.keyringFile),
      SENTINEL_AUTHORITY_HOST: azure.authorityHost,
      SENTINEL_BASE_URL: azure.sentinelBaseUrl,
      INNGEST_DEV: "1",
      INNGEST_BASE_URL: engine.url,
      // Exactly the emulator's host:port may be reached although it is on loopback; nothing else local is.
      OUTBOUND_ALLOWLIST: destinationOf(new URL(threatConnect.baseUrl)),
    },
    connections: {
      threatConnect: {
        baseUrl: threatConnect.baseUrl,
        accessId: threatConnect.accessId,
        secretKey: threatConnect.secretKey,
      },
      azure: {
        tenantId: azure.tenantId,
        clientId: azure.clientId,
        clientSecret: azure.clientSecret,
        workspaceId: azure.workspaceId,
      },
    },
    close,
  };
}
