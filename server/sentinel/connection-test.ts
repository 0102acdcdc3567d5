import { createSentinelClient, type SentinelClientOptions } from "./client";
import { endpointsForCloud } from "./endpoints";
import { SentinelError, SentinelRequestError } from "./errors";
import { acquireSentinelToken } from "./token-provider";
import type { SentinelConnection } from "./types";

export type ConnectionTestResult = { ok: true; detail: string } | { ok: false; code: string; message: string };

const PROBE_SOURCESYSTEM = "SentinelBridge-ConnectionTest";

/**
 * Gets a token, then uploads an empty batch: that passes through authentication, the workspace lookup and the
 * role check without writing anything to the customer's workspace.
 */
export async function testAzureConnection(
  connection: SentinelConnection,
  options: SentinelClientOptions = {},
): Promise<ConnectionTestResult> {
  const endpoints = endpointsForCloud(connection.cloud, options.endpoints);
  try {
    await acquireSentinelToken(connection, endpoints);
  } catch (error) {
    return failure(error);
  }
  try {
    await createSentinelClient(connection, options).upload(PROBE_SOURCESYSTEM, []);
    return {
      ok: true,
      detail: `Token issued for app ${connection.clientId} and workspace ${connection.workspaceId} accepted an authorized upload call.`,
    };
  } catch (error) {
    // A 400 can only come after the token, workspace and role were accepted; the service merely disliked the empty probe.
    if (error instanceof SentinelRequestError && error.status === 400) {
      return {
        ok: true,
        detail: `Token issued and workspace ${connection.workspaceId} authorized the call; the empty probe body was refused (${error.message}).`,
      };
    }
    return failure(error);
  }
}

function failure(error: unknown): ConnectionTestResult {
  if (error instanceof SentinelError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: "unexpected_error", message: "The connection test failed unexpectedly." };
}
