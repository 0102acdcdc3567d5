export type { AzureCloud, RejectedObject, SentinelApi, SentinelConnection, StixObject, UploadOutcome } from "./types";
export { endpointsForCloud, type SentinelEndpoints } from "./endpoints";
export {
  createSentinelClient,
  DEFAULT_ROLE_RETRY_DELAY_MS,
  MAX_OBJECTS_PER_REQUEST,
  type SentinelClient,
  type SentinelClientOptions,
} from "./client";
export { testAzureConnection, type ConnectionTestResult } from "./connection-test";
export { createTokenClientCache, DEFAULT_MAX_TOKEN_CLIENTS, type TokenClientCache } from "./token-provider";
export {
  SentinelAuthError,
  SentinelConfigError,
  SentinelError,
  SentinelRequestError,
  SentinelThrottledError,
  SentinelTransientError,
  type SentinelSettingField,
} from "./errors";
