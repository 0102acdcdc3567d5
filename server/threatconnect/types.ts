/** The nine types the product sends to Sentinel are shared vocabulary; the client and the mapper use the same list. */
export { INDICATOR_TYPES, isIndicatorType, type IndicatorType } from "@/lib/vocabulary";
import type { IndicatorType, QuerySortField, SortDirection } from "@/lib/vocabulary";

export type ThreatConnectCredentials = {
  baseUrl: string;
  accessId: string;
  secretKey: string;
};

export const OWNER_TYPES = ["Organization", "Community", "Source"] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];
export type Owner = { id: string; name: string; type: OwnerType };

export const INDICATOR_FIELDS = ["tags", "attributes", "associatedGroups", "threatAssess", "securityLabels"] as const;
export type IndicatorField = (typeof INDICATOR_FIELDS)[number];

/** A query's sort is passed to ThreatConnect's API unchanged, so its fields are ThreatConnect's sortable ones. */
export {
  QUERY_SORT_FIELDS as SORT_FIELDS,
  type QuerySortField as SortField,
  type SortDirection,
} from "@/lib/vocabulary";

export type IndicatorQuery = {
  tql?: string;
  owners?: string[];
  types?: IndicatorType[];
  sortField?: QuerySortField;
  sortDirection?: SortDirection;
  modifiedSince?: Date;
  fields?: IndicatorField[];
};

/** System-created objects name their creator without an `id` (and sometimes without a `userName`). */
export type ThreatConnectUser = {
  id?: string;
  userName?: string;
  firstName?: string;
  lastName?: string;
  pseudonym?: string;
  owner?: string;
};

export type ThreatConnectTag = {
  id?: string;
  name: string;
  description?: string;
  lastUsed?: string;
  techniqueId?: string;
};

export type ThreatConnectAttribute = {
  id?: string;
  type: string;
  value: string;
  dateAdded?: string;
  lastModified?: string;
  source?: string;
  pinned?: boolean;
  default?: boolean;
  createdBy?: ThreatConnectUser;
};

export type ThreatConnectGroup = {
  id: string;
  ownerId?: string;
  ownerName?: string;
  type: string;
  name: string;
  dateAdded?: string;
  lastModified?: string;
  webLink?: string;
  legacyLink?: string;
  upVoteCount?: string;
  downVoteCount?: string;
  createdBy?: ThreatConnectUser;
};

export type ThreatConnectSecurityLabel = {
  id?: string;
  name: string;
  description?: string;
  color?: string;
  owner?: string;
  dateAdded?: string;
};

/** ThreatConnect wraps every expanded collection as `{ data: [...] }` but may send `{}` or `{ count: 0 }` when empty. */
export type Collection<T> = { data?: T[]; count?: number };

/**
 * A v3 indicator as the API returns it. Every id is a string because ThreatConnect ids exceed 2^53;
 * all other numbers are plain numbers. Type-specific value fields keep ThreatConnect's own (sometimes spaced) keys.
 */
export type ThreatConnectIndicator = {
  id: string;
  ownerId: string;
  ownerName: string;
  type: string;
  summary: string;
  dateAdded: string;
  lastModified: string;
  webLink?: string;
  legacyLink?: string;
  rating?: number;
  confidence?: number;
  description?: string;
  source?: string;
  privateFlag?: boolean;
  active?: boolean;
  activeLocked?: boolean;
  threatAssessScore?: number;
  threatAssessRating?: number;
  threatAssessConfidence?: number;
  threatAssessScoreObserved?: number;
  threatAssessScoreFalsePositive?: number;
  calScore?: number;
  ip?: string;
  hostName?: string;
  dnsActive?: boolean;
  whoisActive?: boolean;
  md5?: string;
  sha1?: string;
  sha256?: string;
  size?: number;
  text?: string;
  address?: string;
  "AS Number"?: string;
  Block?: string;
  Subject?: string;
  "Key Name"?: string;
  "Value Name"?: string;
  "Value Type"?: string;
  tags?: Collection<ThreatConnectTag>;
  attributes?: Collection<ThreatConnectAttribute>;
  associatedGroups?: Collection<ThreatConnectGroup>;
  securityLabels?: Collection<ThreatConnectSecurityLabel>;
};

/**
 * An entry of `/v3/indicators/deleted`. ThreatConnect does not document whether an entry's `dateAdded` is when the
 * indicator was added or deleted, so it is passed on under its own name and never used as a deletion time.
 */
export type DeletedIndicator = {
  ownerName: string;
  type: string;
  summary: string;
  dateAdded?: string;
};
