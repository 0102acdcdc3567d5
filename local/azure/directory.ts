import { z } from "zod";

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a GUID");

export const emulatorAppSchema = z.object({
  clientId: guid,
  secrets: z.array(z.string().min(1)).min(1, "an app needs at least one client secret"),
  displayName: z.string().optional(),
  appRoles: z.array(z.string()).optional(),
});

export const emulatorTenantSchema = z.object({
  tenantId: guid,
  apps: z.array(emulatorAppSchema),
});

/** A Log Analytics workspace with Sentinel, and which app registrations hold Microsoft Sentinel Contributor on it. */
export const emulatorWorkspaceSchema = z.object({
  workspaceId: guid,
  tenantId: guid,
  sentinelContributors: z.array(guid),
});

export const emulatorDirectorySchema = z.object({
  tenants: z.array(emulatorTenantSchema),
  workspaces: z.array(emulatorWorkspaceSchema),
});

export type EmulatorApp = z.infer<typeof emulatorAppSchema>;
export type EmulatorTenant = z.infer<typeof emulatorTenantSchema>;
export type EmulatorWorkspace = z.infer<typeof emulatorWorkspaceSchema>;
export type EmulatorDirectory = z.infer<typeof emulatorDirectorySchema>;

/** Fixed identifiers so the CLI, the demo and end-to-end tests agree without exchanging anything. */
export const DEFAULT_IDENTITIES = {
  tenantId: "5e7c2a1b-3d4f-4a6b-8c9d-0e1f2a3b4c5d",
  clientId: "9a8b7c6d-5e4f-4321-9abc-def012345678",
  clientSecret: "local-emulator-secret-not-for-production",
  workspaceId: "3c1d5e7f-9a2b-4c6d-8e0f-1a2b3c4d5e6f",
  unprivilegedClientId: "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",
  unprivilegedClientSecret: "local-emulator-secret-without-sentinel-role",
} as const;

export function defaultDirectory(): EmulatorDirectory {
  return {
    tenants: [
      {
        tenantId: DEFAULT_IDENTITIES.tenantId,
        apps: [
          {
            clientId: DEFAULT_IDENTITIES.clientId,
            secrets: [DEFAULT_IDENTITIES.clientSecret],
            displayName: "Sentinel Bridge",
          },
          {
            clientId: DEFAULT_IDENTITIES.unprivilegedClientId,
            secrets: [DEFAULT_IDENTITIES.unprivilegedClientSecret],
            displayName: "Sentinel Bridge (no Sentinel role)",
          },
        ],
      },
    ],
    workspaces: [
      {
        workspaceId: DEFAULT_IDENTITIES.workspaceId,
        tenantId: DEFAULT_IDENTITIES.tenantId,
        sentinelContributors: [DEFAULT_IDENTITIES.clientId],
      },
    ],
  };
}

export const faultSettingsSchema = z.object({
  throttleRate: z.number().min(0).max(1),
  serverErrorRate: z.number().min(0).max(1),
  resetRate: z.number().min(0).max(1),
  unauthorizedRate: z.number().min(0).max(1),
  latencyMs: z.number().int().min(0).max(120_000),
  /** Sentinel does not document a Retry-After header on 429; turning this on checks clients that prefer it. */
  sendRetryAfterHeader: z.boolean(),
  /** Share of uploads refused as if the role were missing: real Sentinel does that for a while after assignment. */
  missingRoleRate: z.number().min(0).max(1),
  /** Sentinel's status for "UnauthorizedAccess" (no Sentinel Contributor role) is undocumented; peers saw both. */
  missingRoleStatus: z.union([z.literal(401), z.literal(403)]),
  /** Whether a batch whose every record is invalid gets 200 or 400 is undocumented; 400 still lists errors[]. */
  allInvalidStatus: z.union([z.literal(200), z.literal(400)]),
  /**
   * Indicators whose pattern contains one of these strings are refused one record at a time, as Sentinel refuses a
   * record for reasons the emulator cannot check; the demo uses it so ERRORS shows a reason of Sentinel's.
   */
  refusedPatternValues: z.array(z.string().min(1)).max(100),
});

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const NO_FAULTS: FaultSettings = {
  throttleRate: 0,
  serverErrorRate: 0,
  resetRate: 0,
  unauthorizedRate: 0,
  latencyMs: 0,
  sendRetryAfterHeader: false,
  missingRoleRate: 0,
  missingRoleStatus: 403,
  allInvalidStatus: 200,
  refusedPatternValues: [],
};
