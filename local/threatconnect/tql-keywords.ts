import {
  OWNERS,
  type EmulatedAttribute,
  type EmulatedGroup,
  type EmulatedIndicator,
  type EmulatedLabel,
  type EmulatedTag,
} from "./model";
import type { Keyword, Scope } from "./tql-parser";

type Getter<R> = Keyword<R>["get"];

function keyword<R>(name: string, kind: Keyword<R>["kind"], get: Getter<R>): [string, Keyword<R>] {
  return [name.toLowerCase(), { name, kind, get }];
}

/** A keyword real TQL accepts whose data the emulator does not hold: valid to write, null for every indicator. */
function unheld<R>(name: string, kind: Keyword<R>["kind"]): [string, Keyword<R>] {
  return keyword(name, kind, () => undefined);
}

const TAG_SCOPE: Scope<EmulatedTag> = {
  keywords: Object.fromEntries([
    keyword<EmulatedTag>("name", "string", (tag) => tag.name),
    keyword<EmulatedTag>("id", "id", (tag) => String(tag.id)),
    keyword<EmulatedTag>("techniqueId", "string", (tag) => tag.techniqueId),
  ]),
  subqueries: {},
};

const GROUP_SCOPE: Scope<EmulatedGroup> = {
  keywords: Object.fromEntries([
    keyword<EmulatedGroup>("id", "id", (group) => String(group.id)),
    keyword<EmulatedGroup>("typeName", "string", (group) => group.type),
    keyword<EmulatedGroup>("name", "string", (group) => group.name),
    keyword<EmulatedGroup>("summary", "string", (group) => group.name),
    keyword<EmulatedGroup>("ownerName", "string", (group) => OWNERS.find((owner) => owner.id === group.ownerId)?.name),
    keyword<EmulatedGroup>("owner", "number", (group) => group.ownerId),
    keyword<EmulatedGroup>("dateAdded", "date", (group) => group.dateAdded),
  ]),
  subqueries: {},
};

const ATTRIBUTE_SCOPE: Scope<EmulatedAttribute> = {
  keywords: Object.fromEntries([
    keyword<EmulatedAttribute>("typeName", "string", (attribute) => attribute.type),
    keyword<EmulatedAttribute>("value", "string", (attribute) => String(attribute.value)),
    keyword<EmulatedAttribute>("dateAdded", "date", (attribute) => attribute.dateAdded),
  ]),
  subqueries: {},
};

const LABEL_SCOPE: Scope<EmulatedLabel> = {
  keywords: Object.fromEntries([
    keyword<EmulatedLabel>("id", "id", (label) => String(label.id)),
    keyword<EmulatedLabel>("name", "string", (label) => label.name),
  ]),
  subqueries: {},
};

function attributeValue(indicator: EmulatedIndicator, type: string): string | number | undefined {
  return indicator.attributes.find((attribute) => attribute.type === type)?.value;
}

function textAttribute(indicator: EmulatedIndicator, type: string): string | undefined {
  const value = attributeValue(indicator, type);
  return value === undefined ? undefined : String(value);
}

function dateAttribute(indicator: EmulatedIndicator, type: string): number | undefined {
  const value = attributeValue(indicator, type);
  return typeof value === "number" ? value : undefined;
}

/** The value custom-style types (Hashtag, Mutex, User Agent) expose as `value1`. */
function customValue(indicator: EmulatedIndicator): string | undefined {
  return indicator.values.Hashtag ?? indicator.values.Mutex ?? indicator.values["User Agent String"];
}

/**
 * The indicator keywords of tcex's IndicatorFilter (generated from `OPTIONS /v3/indicators/tql`) plus those
 * ThreatConnect's TQL docs add. Keywords are case-insensitive; `indicatorActive` is the active flag (there is no
 * `active`).
 */
export const INDICATOR_SCOPE: Scope<EmulatedIndicator> = {
  keywords: Object.fromEntries<Keyword<EmulatedIndicator>>([
    keyword("id", "id", (indicator) => indicator.id),
    keyword("typeName", "string", (indicator) => indicator.type),
    keyword("summary", "string", (indicator) => indicator.summary),
    keyword("ownerName", "string", (indicator) => indicator.owner.name),
    keyword("owner", "number", (indicator) => indicator.owner.id),
    keyword("rating", "number", (indicator) => indicator.rating),
    keyword("confidence", "number", (indicator) => indicator.confidence),
    keyword("threatAssessScore", "number", (indicator) => indicator.threatAssessScore),
    keyword("calScore", "number", (indicator) => indicator.threatAssessScore),
    keyword("dateAdded", "date", (indicator) => indicator.dateAdded),
    keyword("lastModified", "date", (indicator) => indicator.lastModified),
    keyword("firstSeen", "date", (indicator) => dateAttribute(indicator, "First Seen")),
    keyword("lastSeen", "date", (indicator) => dateAttribute(indicator, "Last Seen")),
    keyword("indicatorActive", "boolean", (indicator) => indicator.active),
    keyword("activeLocked", "boolean", () => false),
    keyword("tag", "string", (indicator) => indicator.tags.map((tag) => tag.name)),
    keyword("attackTag", "string", (indicator) => indicator.tags.flatMap((tag) => (tag.techniqueId ? [tag.name] : []))),
    keyword("securityLabel", "string", (indicator) => indicator.securityLabels.map((label) => label.name)),
    keyword("description", "string", (indicator) => textAttribute(indicator, "Description")),
    keyword("source", "string", (indicator) => textAttribute(indicator, "Source")),
    keyword("attribute", "string", (indicator) => indicator.attributes.map((attribute) => String(attribute.value))),
    keyword("associatedGroup", "number", (indicator) => indicator.groups.map((group) => group.id)),
    keyword("falsePositiveCount", "number", () => 0),
    keyword("observationCount", "number", () => 0),
    keyword("addressIsIpv6", "boolean", (indicator) =>
      indicator.type === "Address" ? (indicator.values.ip ?? "").includes(":") : undefined,
    ),
    keyword("hostDnsActive", "boolean", (indicator) => indicator.values.dnsActive),
    keyword("hostWhoisActive", "boolean", (indicator) => indicator.values.whoisActive),
    keyword("fileSize", "number", (indicator) => indicator.values.size),
    keyword("value1", "string", customValue),
    ...(
      [
        ["addressAsn", "number"],
        ["addressCidr", "string"],
        ["addressCity", "string"],
        ["addressCountryCode", "string"],
        ["addressCountryName", "string"],
        ["addressIpval", "string"],
        ["addressRegisteringOrg", "string"],
        ["addressState", "string"],
        ["addressTimezone", "string"],
        ["commonId", "number"],
        ["externalDateAdded", "date"],
        ["externalDateExpires", "date"],
        ["externalLastModified", "date"],
        ["filename", "string"],
        ["filepath", "string"],
        ["fileoccurrenceDate", "date"],
        ["flag1", "boolean"],
        ["flag2", "boolean"],
        ["flag3", "boolean"],
        ["intValue1", "string"],
        ["intValue2", "string"],
        ["intValue3", "string"],
        ["lastFalsePositive", "date"],
        ["lastObserved", "date"],
        ["tagOwner", "number"],
        ["tagOwnerName", "string"],
        ["threatAssessLastUpdated", "date"],
        ["type", "number"],
        ["value2", "string"],
        ["value3", "string"],
      ] as const
    ).map(([name, kind]) => unheld<EmulatedIndicator>(name, kind)),
  ]),
  subqueries: {
    hastag: (parseInner) => {
      const inner = parseInner(TAG_SCOPE);
      return (indicator) => indicator.tags.some(inner);
    },
    hasgroup: (parseInner) => {
      const inner = parseInner(GROUP_SCOPE);
      return (indicator) => indicator.groups.some(inner);
    },
    hasattribute: (parseInner) => {
      const inner = parseInner(ATTRIBUTE_SCOPE);
      return (indicator) => indicator.attributes.some(inner);
    },
    hassecuritylabel: (parseInner) => {
      const inner = parseInner(LABEL_SCOPE);
      return (indicator) => indicator.securityLabels.some(inner);
    },
    // The emulator holds no indicator-to-indicator associations, so the nested query is checked and matches none.
    hasindicator: (parseInner) => {
      parseInner(INDICATOR_SCOPE);
      return () => false;
    },
  },
};

export const ACTIVE_KEYWORDS: ReadonlySet<string> = new Set(["indicatoractive"]);
