import { createThreatConnectClient, type ThreatConnectClientOptions } from "./client";
import { ThreatConnectError, type ThreatConnectErrorCode } from "./errors";
import type { Owner, ThreatConnectCredentials } from "./types";

export type ConnectionTestResult =
  { ok: true; organization: string; owners: Owner[] } | { ok: false; code: ThreatConnectErrorCode; message: string };

/** A person is waiting on this answer, so it retries less than a sync does. */
const CONNECTION_TEST_RETRY = {
  maxAttempts: 2,
  baseDelayMs: 250,
  maxDelayMs: 1000,
};

export async function testThreatConnectConnection(
  credentials: ThreatConnectCredentials,
  opts: Omit<ThreatConnectClientOptions, "credentials"> = {},
): Promise<ConnectionTestResult> {
  try {
    const client = createThreatConnectClient({
      credentials,
      timeoutMs: opts.timeoutMs ?? 15_000,
      retry: opts.retry ?? CONNECTION_TEST_RETRY,
      now: opts.now,
    });
    const owners = await client.listOwners();
    const organization = owners.find((owner) => owner.type === "Organization");
    if (!organization) {
      return {
        ok: false,
        code: "bad_response",
        message: "ThreatConnect listed no Organization for this API user, so it cannot be used as a service account",
      };
    }
    return { ok: true, organization: organization.name, owners };
  } catch (error) {
    if (error instanceof ThreatConnectError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
