import { spawn, type ChildProcess } from "node:child_process";
import { untilListening } from "./until-listening";

export type AppProcessOptions = {
  port: number;
  databaseUrl: string;
  engineUrl: string;
  /** `keyId:key,…`, the keyring the test process encrypted the services' secrets with. */
  credentialKeys: string;
  sentinelAuthorityHost: string;
  sentinelBaseUrl: string;
  /** `host:port` of the ThreatConnect emulator, the one loopback destination the app may reach. */
  outboundAllowlist: string;
  sentinelMinuteMs: number;
  /** The app's Postgres sessions carry it as application_name, so a drill can pick them in pg_stat_activity. */
  applicationName: string;
};

/**
 * The app's Inngest endpoint (`app-server.ts`) in its own process, configured only through the environment the
 * portal reads, so a test can kill -9 it and start it again on the same port. Node runs tsx's loader directly (the
 * tsx binary would fork a grandchild that SIGKILL orphans), with the `react-server` condition Next's server has, so
 * `import "server-only"` in the runtime resolves as it does there.
 */
export type AppProcess = {
  child: ChildProcess;
  /** The last few KB the process wrote, so a drill can show why an app died. */
  recentOutput(): string;
};

const KEPT_OUTPUT_CHARS = 4000;

export async function spawnApp(options: AppProcessOptions): Promise<AppProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "test/pipeline/app-server.ts"],
    {
      env: {
        // The test run's environment (NODE_EXTRA_CA_CERTS trusts the Azure emulator's CA) plus the portal's settings.
        ...process.env,
        APP_SERVER_PORT: String(options.port),
        DATABASE_URL: options.databaseUrl,
        AUTH_SECRET: "drill-app-process-auth-secret-not-used-0000",
        CREDENTIALS_ENCRYPTION_KEYS: options.credentialKeys,
        SENTINEL_AUTHORITY_HOST: options.sentinelAuthorityHost,
        SENTINEL_BASE_URL: options.sentinelBaseUrl,
        OUTBOUND_ALLOWLIST: options.outboundAllowlist,
        SENTINEL_MINUTE_MS: String(options.sentinelMinuteMs),
        INNGEST_DEV: "1",
        INNGEST_BASE_URL: options.engineUrl,
        NODE_ENV: "production",
        PGAPPNAME: options.applicationName,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = await untilListening(child, "app", 60_000);
  // Keep draining its output, keeping only its tail, so a chatty app never blocks on a full pipe.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { child, recentOutput: () => output };
}
