export type AzureCloud = "public" | "usgov";
export type SentinelApi = "stix-objects" | "legacy-indicators";

export type SentinelConnection = {
  cloud: AzureCloud;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Identifies the secret without exposing it; rotating the secret with a new version gets a fresh token client. */
  secretVersion?: string;
  workspaceId: string;
  api: SentinelApi;
};

/** A STIX 2.1 object as the mapper produces it; the legacy API takes the same `indicator` objects. */
export type StixObject = Record<string, unknown> & { id: string; type: string };

export type RejectedObject = { index: number; objectId?: string; messages: string[] };

export type UploadOutcome = { accepted: number; rejected: RejectedObject[] };
