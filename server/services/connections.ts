import type { Service } from "@/db/schema";
import type { AppDependencies } from "../deps";
import { outboundRefusalIn } from "../net/destinations";
import { DomainError, IntegrationError } from "../errors";
import type { Scope } from "../scope";
import { testAzureConnection, type SentinelConnection } from "../sentinel";
import {
  createThreatConnectClient,
  testThreatConnectConnection,
  type Owner,
  type ThreatConnectClient,
  type ThreatConnectCredentials,
} from "../threatconnect";
import type { TestAzureInput, TestThreatConnectInput } from "./service-input";
import { decryptServiceSecret, getServiceInOrg } from "./services";

export type FailedCheck = { ok: false; code: string; message: string };
/** What a connection test shows: OK with what was proven, or the precise reason from the client. */
export type ConnectionCheck = { ok: true; message: string } | FailedCheck;

/**
 * A person asked whether something works, so an integration's refusal is an answer to show, not an error.
 * Anything else is a bug and stays thrown.
 */
export function failedCheckOf(error: unknown): FailedCheck {
  if (error instanceof IntegrationError) return { ok: false, code: error.code, message: error.message };
  throw error;
}

export function threatConnectCredentialsOf(deps: AppDependencies, service: Service): ThreatConnectCredentials {
  return {
    baseUrl: service.threatConnectBaseUrl,
    accessId: service.threatConnectAccessId,
    secretKey: decryptServiceSecret(deps.cipher, service, "threatConnectSecretKey"),
  };
}

export function sentinelConnectionOf(deps: AppDependencies, service: Service): SentinelConnection {
  return {
    cloud: service.azureCloud,
    api: service.sentinelApi,
    tenantId: service.tenantId,
    clientId: service.clientId,
    workspaceId: service.workspaceId,
    clientSecret: decryptServiceSecret(deps.cipher, service, "clientSecret"),
  };
}

export function threatConnectClientFor(
  deps: AppDependencies,
  credentials: ThreatConnectCredentials,
): ThreatConnectClient {
  return createThreatConnectClient({
    credentials,
    timeoutMs: deps.threatConnectTimeoutMs,
    now: deps.now,
    agents: deps.outbound.agentsFor(credentials.baseUrl),
  });
}

function requireTyped<T>(value: T | undefined, field: string, label: string): T {
  if (value === undefined) throw new DomainError("BAD_REQUEST", `${label} is required to test a connection`, field);
  return value;
}

/** Typed values win over saved ones; nothing typed here is ever stored. */
async function resolveThreatConnectCredentials(scope: Scope, input: TestThreatConnectInput) {
  if (!input.serviceId) {
    return {
      baseUrl: requireTyped(input.threatConnectBaseUrl, "threatConnectBaseUrl", "ThreatConnect base URL"),
      accessId: requireTyped(input.threatConnectAccessId, "threatConnectAccessId", "ThreatConnect access ID"),
      secretKey: requireTyped(input.threatConnectSecretKey, "threatConnectSecretKey", "ThreatConnect secret key"),
    };
  }
  const service = await getServiceInOrg(scope, { serviceId: input.serviceId });
  const baseUrl = input.threatConnectBaseUrl ?? service.threatConnectBaseUrl;
  const accessId = input.threatConnectAccessId ?? service.threatConnectAccessId;
  // The saved secret key only ever goes to the saved host and access ID.
  if (
    input.threatConnectSecretKey === undefined &&
    (baseUrl !== service.threatConnectBaseUrl || accessId !== service.threatConnectAccessId)
  ) {
    throw new DomainError(
      "BAD_REQUEST",
      "Enter the secret key to test a different base URL or access ID",
      "threatConnectSecretKey",
    );
  }
  return {
    baseUrl,
    accessId,
    secretKey:
      input.threatConnectSecretKey ?? decryptServiceSecret(scope.deps.cipher, service, "threatConnectSecretKey"),
  };
}

export async function checkThreatConnect(scope: Scope, input: TestThreatConnectInput): Promise<ConnectionCheck> {
  const credentials = await resolveThreatConnectCredentials(scope, input);
  const result = await testThreatConnectConnection(credentials, {
    timeoutMs: scope.deps.threatConnectTimeoutMs,
    now: scope.deps.now,
    agents: scope.deps.outbound.agentsFor(credentials.baseUrl),
  }).catch((error: unknown) => {
    const refusal = outboundRefusalIn(error);
    if (refusal) throw new DomainError("BAD_REQUEST", `Refused: ${refusal.message}`, "threatConnectBaseUrl");
    return failedCheckOf(error);
  });
  if (!result.ok) return result;
  const owners = result.owners.length;
  return {
    ok: true,
    message: `Connected to organization "${result.organization}"; ${owners} owner${owners === 1 ? "" : "s"} can be queried.`,
  };
}

export async function checkAzure(scope: Scope, input: TestAzureInput): Promise<ConnectionCheck> {
  const saved = input.serviceId
    ? sentinelConnectionOf(scope.deps, await getServiceInOrg(scope, { serviceId: input.serviceId }))
    : undefined;
  const isIdentityChanging =
    saved !== undefined &&
    ((input.tenantId !== undefined && input.tenantId !== saved.tenantId) ||
      (input.clientId !== undefined && input.clientId !== saved.clientId));
  if (isIdentityChanging && input.clientSecret === undefined) {
    throw new DomainError(
      "BAD_REQUEST",
      "Enter the client secret to test a different tenant ID or client ID",
      "clientSecret",
    );
  }
  const connection: SentinelConnection = {
    cloud: input.azureCloud ?? saved?.cloud ?? "public",
    api: input.sentinelApi ?? saved?.api ?? "stix-objects",
    tenantId: input.tenantId ?? requireTyped(saved?.tenantId, "tenantId", "Tenant ID"),
    clientId: input.clientId ?? requireTyped(saved?.clientId, "clientId", "Client ID"),
    workspaceId: input.workspaceId ?? requireTyped(saved?.workspaceId, "workspaceId", "Workspace ID"),
    clientSecret: input.clientSecret ?? requireTyped(saved?.clientSecret, "clientSecret", "Client secret"),
  };
  const result = await testAzureConnection(connection, { endpoints: scope.deps.sentinelEndpoints }).catch(
    failedCheckOf,
  );
  return result.ok ? { ok: true, message: result.detail } : result;
}

/** The owners the saved ThreatConnect credentials can query, for the queries' owner multi-select. */
export async function listServiceOwners(scope: Scope, input: { serviceId: string }): Promise<Owner[]> {
  const service = await getServiceInOrg(scope, input);
  const { deps } = scope;
  try {
    const owners = await threatConnectClientFor(deps, threatConnectCredentialsOf(deps, service)).listOwners();
    return owners.sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    // The owners list feeds a form, so the refusal is named as the reason that list is empty.
    if (error instanceof IntegrationError) {
      throw new DomainError("PRECONDITION_FAILED", `ThreatConnect owners could not be loaded: ${error.message}`);
    }
    throw error;
  }
}
