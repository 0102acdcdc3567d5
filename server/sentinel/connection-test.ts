import { createSentinelClient, type SentinelClientOptions } from "./client";
import { endpointsForCloud } from "./endpoints";
import { SentinelError, SentinelRequestError } from "./errors";
import { acquireSentinelToken } from "./token-provider";
import type { SentinelConnection } from "./types";

export type ConnectionTestResult = { ok: true; detail: string } | { ok: false; code: string; message: string };

const PROBE_SOURCESYSTEM = "SentinelBridge-ConnectionTest";
/** Someone is waiting on the test, so a role refusal is retried after a short pause rather than the pipeline's. */
const INTERACTIVE_ROLE_RETRY_DELAY_MS = 2_000;

/**
 * Gets a token, then uploads an empty batch: only an accepted upload proves token, workspace and Sentinel
 * Contributor role together, without writing anything to the customer's workspace.
 */
export async function testAzureConnection(
  connection: SentinelConnection,
  options: SentinelClientOptions = {},
): Promise<ConnectionTestResult> {
  const endpoints = endpointsForCloud(connection.cloud, options.endpoints);
  try {
    await acquireSentinelToken(connection, endpoints, { tokenClients: options.tokenClients });
  } catch (error) {
    return failure(error);
  }
  try {
    await createSentinelClient(connection, {
      roleRetryDelayMs: INTERACTIVE_ROLE_RETRY_DELAY_MS,
      ...options,
    }).upload(PROBE_SOURCESYSTEM, []);
    return {
      ok: true,
      detail: `Token issued for app ${connection.clientId}, and workspace ${connection.workspaceId} accepted an upload call: the app holds the Microsoft Sentinel Contributor role.`,
    };
  } catch (error) {
    // Sentinel may refuse the empty probe before it checks the role, so a 400 proves the token but not the role.
    if (error instanceof SentinelRequestError && error.status === 400) {
      return {
        ok: false,
        code: "role_not_verified",
        message: `Token OK, role not verified: Sentinel refused the empty probe upload (${error.message}) before the Microsoft Sentinel Contributor role on workspace ${connection.workspaceId} could be confirmed.`,
      };
    }
    return failure(error);
  }
}

function failure(error: unknown): ConnectionTestResult {
  if (error instanceof SentinelError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: "unexpected_error", message: "The connection test failed unexpectedly." };
}
