export { normalizeBaseUrl } from "./base-url";
export { createThreatConnectClient, MAPPING_FIELDS, MAX_PAGE_SIZE } from "./client";
export type {
  DeletedIndicatorPage,
  DeletedIndicatorsQuery,
  IndicatorPage,
  IndicatorPageChunks,
  ThreatConnectClient,
  ThreatConnectClientOptions,
} from "./client";
export { CONNECTION_TEST_DEADLINE_MS, testThreatConnectConnection } from "./connection-test";
export type { ConnectionTestResult } from "./connection-test";
export { ThreatConnectError, THREATCONNECT_ERROR_CODES } from "./errors";
export type { ThreatConnectErrorCode } from "./errors";
export { parseThreatConnectJson } from "./json";
export type { RejectedIndicator } from "./schemas";
export { computeSignature, encodeQueryComponent, signRequest } from "./sign-request";
export type { SignedHeaders } from "./sign-request";
export { composeQueryTql, formatTqlDate, quoteTql, tqlExpressionProblem } from "./tql";
export type { QueryTqlInput } from "./tql";
export { LONG_QUERY_CHARACTERS } from "./transport";
export type { OutboundAgents, RetryPolicy } from "./transport";
export { INDICATOR_FIELDS, INDICATOR_TYPES, isIndicatorType, OWNER_TYPES, SORT_FIELDS } from "./types";
export type {
  DeletedIndicator,
  IndicatorField,
  IndicatorQuery,
  IndicatorType,
  Owner,
  OwnerType,
  SortDirection,
  SortField,
  ThreatConnectAttribute,
  ThreatConnectCredentials,
  ThreatConnectGroup,
  ThreatConnectIndicator,
  ThreatConnectSecurityLabel,
  ThreatConnectTag,
  ThreatConnectUser,
} from "./types";
