import { afterAll, beforeAll } from "vitest";
import { startAzureEmulator, type AzureEmulator } from "@/local/azure";
import { startThreatConnectEmulator, type ThreatConnectEmulator } from "@/local/threatconnect";
import type { AppDependencies } from "@/server/deps";
import { destinationOf } from "@/server/net/destinations";
import { createOutboundPolicy } from "@/server/net/outbound-policy";
import { testDeps } from "./db";

export const AZURE_SECRET = "azure-client-secret-PLAINTEXT-7f3a";
export const TC_SECRET = "tc-secret-key-PLAINTEXT-91bd";

/** A complete, valid create input; tests override one field at a time. */
export function serviceInput(overrides: Record<string, unknown> = {}) {
  return {
    name: `Sentinel ${Math.random().toString(36).slice(2, 8)}`,
    tenantId: "5e7c2a1b-3d4f-4a6b-8c9d-0e1f2a3b4c5d",
    clientId: "9a8b7c6d-5e4f-4321-9abc-def012345678",
    workspaceId: "3c1d5e7f-9a2b-4c6d-8e0f-1a2b3c4d5e6f",
    clientSecret: AZURE_SECRET,
    sourceName: "Prod",
    threatConnectBaseUrl: "https://companyabc.threatconnect.com",
    threatConnectAccessId: "12345678901234567890",
    threatConnectSecretKey: TC_SECRET,
    ...overrides,
  };
}

export type Emulators = { threatConnect: ThreatConnectEmulator; azure: AzureEmulator; deps: AppDependencies };

/**
 * Starts both emulators on ephemeral ports for the calling test file. The ThreatConnect dataset is kept small
 * because tests only need owners, tags and a few hundred indicators.
 */
export function useEmulators(): Emulators {
  const emulators = {} as Emulators;
  beforeAll(async () => {
    emulators.threatConnect = await startThreatConnectEmulator({ indicators: 300, seed: 7 });
    emulators.azure = await startAzureEmulator({ port: 0 });
    emulators.deps = testDeps({
      sentinelEndpoints: {
        authorityHost: emulators.azure.authorityHost,
        sentinelBaseUrl: emulators.azure.sentinelBaseUrl,
      },
      // Exactly the emulator's host:port, as the demo lists it; every other local destination stays refused.
      outbound: createOutboundPolicy({ allowlist: destinationOf(new URL(emulators.threatConnect.baseUrl)) }),
    });
  });
  afterAll(async () => {
    await emulators.threatConnect.close();
    await emulators.azure.close();
  });
  return emulators;
}

/** Input wired to the running emulators, so connection tests, owners, validate and preview really call them. */
export function emulatedServiceInput(emulators: Emulators, overrides: Record<string, unknown> = {}) {
  return serviceInput({
    tenantId: emulators.azure.tenantId,
    clientId: emulators.azure.clientId,
    workspaceId: emulators.azure.workspaceId,
    clientSecret: emulators.azure.clientSecret,
    threatConnectBaseUrl: emulators.threatConnect.baseUrl,
    threatConnectAccessId: emulators.threatConnect.accessId,
    threatConnectSecretKey: emulators.threatConnect.secretKey,
    ...overrides,
  });
}
