import { isoSeconds } from "./dataset";
import {
  CREATED_BY,
  OWNERS,
  type EmulatedIndicator,
  type EmulatedTag,
} from "./model";
import { compileTql, type Keyword, type Scope } from "./tql-parser";

const TAG_SCOPE: Scope<EmulatedTag> = {
  keywords: {
    name: { name: "name", kind: "string", get: (tag) => tag.name },
    id: { name: "id", kind: "id", get: (tag) => String(tag.id) },
    techniqueid: {
      name: "techniqueId",
      kind: "string",
      get: (tag) => tag.techniqueId,
    },
  },
  subqueries: {},
};

function keyword(
  name: string,
  kind: Keyword<EmulatedIndicator>["kind"],
  get: Keyword<EmulatedIndicator>["get"],
): [string, Keyword<EmulatedIndicator>] {
  return [name.toLowerCase(), { name, kind, get }];
}

const activeKeyword = (name: string) =>
  keyword(name, "boolean", (indicator) => indicator.active);

export const INDICATOR_SCOPE: Scope<EmulatedIndicator> = {
  keywords: Object.fromEntries([
    keyword("id", "id", (indicator) => indicator.id),
    keyword("typeName", "string", (indicator) => indicator.type),
    keyword("summary", "string", (indicator) => indicator.summary),
    keyword("ownerName", "string", (indicator) => indicator.owner.name),
    keyword("owner", "number", (indicator) => indicator.owner.id),
    keyword("rating", "number", (indicator) => indicator.rating),
    keyword("confidence", "number", (indicator) => indicator.confidence),
    keyword(
      "threatAssessScore",
      "number",
      (indicator) => indicator.threatAssessScore,
    ),
    keyword("dateAdded", "date", (indicator) => indicator.dateAdded),
    keyword("lastModified", "date", (indicator) => indicator.lastModified),
    activeKeyword("indicatorActive"),
    activeKeyword("active"),
    keyword("tag", "string", (indicator) =>
      indicator.tags.map((tag) => tag.name),
    ),
    keyword("securityLabel", "string", (indicator) =>
      indicator.securityLabels.map((label) => label.name),
    ),
    keyword("description", "string", (indicator) => descriptionOf(indicator)),
  ]),
  subqueries: {
    hastag: (parseInner) => {
      const inner = parseInner(TAG_SCOPE);
      return (indicator) => indicator.tags.some(inner);
    },
  },
};

const ACTIVE_KEYWORDS = new Set(["indicatoractive", "active"]);

function descriptionOf(indicator: EmulatedIndicator): string | undefined {
  return indicator.attributes.find(
    (attribute) => attribute.type === "Description",
  )?.value;
}

export const SORTABLE_FIELDS = [
  "id",
  "dateAdded",
  "lastModified",
  "rating",
  "confidence",
  "threatAssessScore",
  "summary",
  "ownerName",
  "typeName",
] as const;

type SortKey = {
  field: (typeof SORTABLE_FIELDS)[number];
  descending: boolean;
  nullsFirst: boolean;
};

export class QueryError extends Error {}

export function parseSorting(sorting: string | null): SortKey[] {
  if (!sorting?.trim()) return [];
  const words = sorting.trim().split(/\s+/);
  const keys: SortKey[] = [];
  for (const word of words) {
    const lowered = word.toLowerCase();
    const last = keys[keys.length - 1];
    if (last && (lowered === "asc" || lowered === "desc"))
      last.descending = lowered === "desc";
    else if (last && (lowered === "nullsfirst" || lowered === "nullslast"))
      last.nullsFirst = lowered === "nullsfirst";
    else {
      const field = SORTABLE_FIELDS.find(
        (candidate) => candidate.toLowerCase() === lowered,
      );
      if (!field)
        throw new QueryError(
          `Invalid sorting field '${word}'; sortable fields are ${SORTABLE_FIELDS.join(", ")}`,
        );
      keys.push({ field, descending: false, nullsFirst: false });
    }
  }
  return keys;
}

function sortValue(
  indicator: EmulatedIndicator,
  field: SortKey["field"],
): string | number | undefined {
  switch (field) {
    case "id":
      return indicator.id;
    case "summary":
      return indicator.summary.toLowerCase();
    case "ownerName":
      return indicator.owner.name;
    case "typeName":
      return indicator.type;
    default:
      return indicator[field];
  }
}

function compareIds(left: string, right: string): number {
  return (
    left.length - right.length || (left < right ? -1 : left > right ? 1 : 0)
  );
}

function compareBy(keys: SortKey[]) {
  return (left: EmulatedIndicator, right: EmulatedIndicator): number => {
    for (const key of keys) {
      const a = sortValue(left, key.field);
      const b = sortValue(right, key.field);
      if (a === b) continue;
      if (a === undefined || b === undefined)
        return (a === undefined) === key.nullsFirst ? -1 : 1;
      const order =
        key.field === "id"
          ? compareIds(a as string, b as string)
          : a < b
            ? -1
            : 1;
      return key.descending ? -order : order;
    }
    // Ties fall back to id so paging over equal sort values is stable.
    return compareIds(left.id, right.id);
  };
}

export type IndicatorSearch = {
  tql: string | undefined;
  ownerIds: ReadonlySet<number>;
  sorting: SortKey[];
};

/**
 * Filters and sorts the whole store. ThreatConnect only lists active indicators unless the query itself
 * mentions the active flag.
 */
export function searchIndicators(
  indicators: readonly EmulatedIndicator[],
  search: IndicatorSearch,
  now: () => Date,
): EmulatedIndicator[] {
  const compiled = search.tql?.trim()
    ? compileTql(search.tql, INDICATOR_SCOPE, now)
    : undefined;
  const includesInactive = compiled
    ? [...compiled.keywords].some((name) => ACTIVE_KEYWORDS.has(name))
    : false;
  const matches = indicators.filter(
    (indicator) =>
      search.ownerIds.has(indicator.owner.id) &&
      (includesInactive || indicator.active) &&
      (!compiled || compiled.predicate(indicator)),
  );
  return matches.sort(compareBy(search.sorting));
}

export const EXPANDABLE_FIELDS = [
  "tags",
  "attributes",
  "associatedGroups",
  "threatAssess",
  "securityLabels",
] as const;
export type ExpandableField = (typeof EXPANDABLE_FIELDS)[number];

/**
 * Indicator ids go out as bare JSON numbers even above 2^53, exactly as ThreatConnect sends them; every other id the
 * emulator produces stays below 2^53, so plain JSON.stringify is exact for the rest.
 */
export function indicatorListJson(
  indicators: readonly EmulatedIndicator[],
  fields: ReadonlySet<ExpandableField>,
  origin: string,
): string {
  return `[${indicators.map((indicator) => indicatorText(indicator, fields, origin)).join(",")}]`;
}

export function indicatorText(
  indicator: EmulatedIndicator,
  fields: ReadonlySet<ExpandableField>,
  origin: string,
): string {
  return `{"id":${indicator.id},${JSON.stringify(indicatorJson(indicator, fields, origin)).slice(1)}`;
}

function ownerName(ownerId: number): string {
  return OWNERS.find((owner) => owner.id === ownerId)?.name ?? "";
}

/** Every field but `id`, which {@link indicatorText} writes itself. */
function indicatorJson(
  indicator: EmulatedIndicator,
  fields: ReadonlySet<ExpandableField>,
  origin: string,
) {
  const json: Record<string, unknown> = {
    ownerId: indicator.owner.id,
    ownerName: indicator.owner.name,
    dateAdded: isoSeconds(indicator.dateAdded),
    webLink: `${origin}/#/details/indicators/${indicator.id}/overview`,
    type: indicator.type,
    lastModified: isoSeconds(indicator.lastModified),
  };
  if (indicator.rating !== undefined) json.rating = indicator.rating;
  if (indicator.confidence !== undefined)
    json.confidence = indicator.confidence;
  if (fields.has("threatAssess")) {
    json.threatAssessRating = indicator.rating ?? 0;
    json.threatAssessConfidence = indicator.confidence ?? 0;
    json.threatAssessScore = indicator.threatAssessScore;
    json.threatAssessScoreObserved = 0;
    json.threatAssessScoreFalsePositive = 0;
    json.calScore = indicator.threatAssessScore;
  }
  const description = descriptionOf(indicator);
  if (description !== undefined) json.description = description;
  json.summary = indicator.summary;
  json.privateFlag = false;
  json.active = indicator.active;
  json.activeLocked = false;
  Object.assign(json, indicator.values);
  if (fields.has("tags")) {
    json.tags = {
      data: indicator.tags.map((tag) => ({
        id: tag.id,
        name: tag.name,
        ...(tag.techniqueId ? { techniqueId: tag.techniqueId } : {}),
        lastUsed: isoSeconds(indicator.lastModified),
      })),
    };
  }
  if (fields.has("attributes")) {
    json.attributes = {
      data: indicator.attributes.map((attribute, index) => ({
        id: indicator.attributeIdBase + index,
        dateAdded: isoSeconds(attribute.dateAdded),
        type: attribute.type,
        value: attribute.value,
        createdBy: CREATED_BY,
        lastModified: isoSeconds(attribute.dateAdded),
        pinned: false,
        default: attribute.type === "Description",
      })),
    };
  }
  if (fields.has("associatedGroups")) {
    json.associatedGroups = {
      data: indicator.groups.map((group) => ({
        id: group.id,
        ownerId: group.ownerId,
        ownerName: ownerName(group.ownerId),
        dateAdded: isoSeconds(group.dateAdded),
        webLink: `${origin}/#/details/groups/${group.id}/overview`,
        type: group.type,
        name: group.name,
        createdBy: CREATED_BY,
        upVoteCount: "0",
        downVoteCount: "0",
        lastModified: isoSeconds(group.dateAdded),
      })),
    };
  }
  if (fields.has("securityLabels")) {
    json.securityLabels = {
      data: indicator.securityLabels.map((label) => ({
        ...label,
        owner: "System",
        dateAdded: "2016-08-31T00:00:00Z",
      })),
    };
  }
  return json;
}
