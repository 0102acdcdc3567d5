import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startStandIns } from "./stand-ins";

const databaseUrl = process.env.TEST_DATABASE_URL ?? "";

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("startStandIns", () => {
  const blocker = createServer();
  let busyPort = 0;
  beforeAll(async () => {
    busyPort = await listen(blocker);
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test("starts all three and gives the portal the env that points at them", async () => {
    const standIns = await startStandIns({
      ports: { threatConnect: 0, azure: 0, engine: 0 },
      databaseUrl,
      indicators: 10,
    });
    try {
      expect(standIns.appEnv).toMatchObject({
        SENTINEL_AUTHORITY_HOST: standIns.azure.authorityHost,
        SENTINEL_BASE_URL: standIns.azure.sentinelBaseUrl,
        INNGEST_DEV: "1",
        INNGEST_BASE_URL: standIns.engine.url,
        OUTBOUND_ALLOWLIST: `127.0.0.1:${new URL(standIns.threatConnect.baseUrl).port}`,
      });
      expect(standIns.appEnv.CREDENTIALS_ENCRYPTION_KEYS).toMatch(/^local:[A-Za-z0-9+/]{43}=$/);
      expect((await fetch(`${standIns.engine.url}/health`)).status).toBe(200);
    } finally {
      await standIns.close();
    }
  });

  test("a busy port names the stand-in that failed and stops the ones already started", async () => {
    const probe = createServer();
    const threatConnectPort = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const error = await startStandIns({
      ports: { threatConnect: threatConnectPort, azure: busyPort, engine: 0 },
      databaseUrl,
      indicators: 10,
    }).catch((failure: unknown) => failure);
    expect(String(error)).toMatch(/could not start the Azure emulator: .*EADDRINUSE/);

    // The ThreatConnect emulator had started; if it was closed, its port can be taken again.
    const reuse = createServer();
    await expect(listen(reuse, threatConnectPort)).resolves.toBe(threatConnectPort);
    await new Promise<void>((resolve) => reuse.close(() => resolve()));
  });
});
