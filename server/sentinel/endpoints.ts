import type { AzureCloud } from "./types";

export type SentinelEndpoints = {
  authorityHost: string;
  sentinelBaseUrl: string;
  /** Host of the legacy indicators API; undefined where Microsoft documents none (US Government). */
  legacyBaseUrl?: string;
  scope: string;
  stixApiVersion: string;
  legacyApiVersion: string;
};

const CLOUD_DEFAULTS: Record<AzureCloud, SentinelEndpoints> = {
  public: {
    authorityHost: "https://login.microsoftonline.com",
    sentinelBaseUrl: "https://api.ti.sentinel.azure.com",
    legacyBaseUrl: "https://sentinelus.azure-api.net",
    scope: "https://management.azure.com/.default",
    stixApiVersion: "2024-02-01-preview",
    legacyApiVersion: "2022-07-01",
  },
  usgov: {
    authorityHost: "https://login.microsoftonline.us",
    sentinelBaseUrl: "https://api.ti.sentinel.azure.us",
    scope: "https://management.usgovcloudapi.net/.default",
    stixApiVersion: "2024-02-01-preview",
    legacyApiVersion: "2022-07-01",
  },
};

/**
 * Real Azure endpoints for a cloud, with overrides (how a deployment points at the local emulator).
 * Overriding only `sentinelBaseUrl` moves the legacy API too, so one emulator serves both.
 */
export function endpointsForCloud(cloud: AzureCloud, overrides: Partial<SentinelEndpoints> = {}): SentinelEndpoints {
  const defaults = CLOUD_DEFAULTS[cloud];
  const legacyBaseUrl = overrides.legacyBaseUrl ?? overrides.sentinelBaseUrl ?? defaults.legacyBaseUrl;
  const merged: SentinelEndpoints = { ...defaults, ...stripUndefined(overrides) };
  return {
    ...merged,
    authorityHost: trimTrailingSlash(merged.authorityHost),
    sentinelBaseUrl: trimTrailingSlash(merged.sentinelBaseUrl),
    ...(legacyBaseUrl !== undefined
      ? { legacyBaseUrl: trimTrailingSlash(legacyBaseUrl) }
      : { legacyBaseUrl: undefined }),
  };
}

function stripUndefined(overrides: Partial<SentinelEndpoints>): Partial<SentinelEndpoints> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}

function trimTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
