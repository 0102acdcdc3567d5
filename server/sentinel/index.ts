export type { AzureCloud, RejectedObject, SentinelApi, SentinelConnection, StixObject, UploadOutcome } from "./types";
export { endpointsForCloud, type SentinelEndpoints } from "./endpoints";
export {
  createSentinelClient,
  MAX_OBJECTS_PER_REQUEST,
  type SentinelClient,
  type SentinelClientOptions,
} from "./client";
export { testAzureConnection, type ConnectionTestResult } from "./connection-test";
export {
  SentinelAuthError,
  SentinelConfigError,
  SentinelError,
  SentinelRequestError,
  SentinelThrottledError,
  SentinelTransientError,
} from "./errors";
