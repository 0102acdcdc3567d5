import { createThreatConnectClient, type ThreatConnectClientOptions } from "./client";
import { ThreatConnectError } from "./errors";
import type { Owner, ThreatConnectCredentials } from "./types";

export type ConnectionTestResult = { ok: true; organization: string; owners: Owner[] };

/** A person is waiting on this answer, so it retries less than a sync does and gives up as a whole sooner. */
const CONNECTION_TEST_RETRY = {
  maxAttempts: 2,
  baseDelayMs: 250,
  maxDelayMs: 1000,
};
export const CONNECTION_TEST_DEADLINE_MS = 30_000;

/** Proves the credentials by listing owners; any refusal is thrown as the ThreatConnectError that says why. */
export async function testThreatConnectConnection(
  credentials: ThreatConnectCredentials,
  opts: Omit<ThreatConnectClientOptions, "credentials"> = {},
): Promise<ConnectionTestResult> {
  const client = createThreatConnectClient({
    ...opts,
    credentials,
    timeoutMs: opts.timeoutMs ?? 15_000,
    retry: opts.retry ?? CONNECTION_TEST_RETRY,
    deadlineMs: opts.deadlineMs ?? CONNECTION_TEST_DEADLINE_MS,
  });
  const owners = await client.listOwners();
  const organization = owners.find((owner) => owner.type === "Organization");
  if (!organization) {
    throw new ThreatConnectError(
      "bad_response",
      "ThreatConnect listed no Organization for this API user, so it cannot be used as a service account",
    );
  }
  return { ok: true, organization: organization.name, owners };
}
