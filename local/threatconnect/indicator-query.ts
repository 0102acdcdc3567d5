import { isoSeconds } from "./dataset";
import { CREATED_BY, OWNERS, SYSTEM_ATTRIBUTE_TYPES, SYSTEM_CREATED_BY, type EmulatedIndicator } from "./model";
import { ACTIVE_KEYWORDS, INDICATOR_SCOPE } from "./tql-keywords";
import { compileTql } from "./tql-parser";

function descriptionOf(indicator: EmulatedIndicator): string | undefined {
  const value = indicator.attributes.find((attribute) => attribute.type === "Description")?.value;
  return value === undefined ? undefined : String(value);
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
    if (last && (lowered === "asc" || lowered === "desc")) last.descending = lowered === "desc";
    else if (last && (lowered === "nullsfirst" || lowered === "nullslast")) last.nullsFirst = lowered === "nullsfirst";
    else {
      const field = SORTABLE_FIELDS.find((candidate) => candidate.toLowerCase() === lowered);
      if (!field)
        throw new QueryError(`Invalid sorting field '${word}'; sortable fields are ${SORTABLE_FIELDS.join(", ")}`);
      keys.push({ field, descending: false, nullsFirst: false });
    }
  }
  return keys;
}

function sortValue(indicator: EmulatedIndicator, field: SortKey["field"]): string | number | undefined {
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
  return left.length - right.length || (left < right ? -1 : left > right ? 1 : 0);
}

function compareBy(keys: SortKey[]) {
  return (left: EmulatedIndicator, right: EmulatedIndicator): number => {
    for (const key of keys) {
      const a = sortValue(left, key.field);
      const b = sortValue(right, key.field);
      if (a === b) continue;
      if (a === undefined || b === undefined) return (a === undefined) === key.nullsFirst ? -1 : 1;
      const order = key.field === "id" ? compareIds(a as string, b as string) : a < b ? -1 : 1;
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
  const compiled = search.tql?.trim() ? compileTql(search.tql, INDICATOR_SCOPE, now) : undefined;
  const includesInactive = compiled ? [...compiled.keywords].some((name) => ACTIVE_KEYWORDS.has(name)) : false;
  const matches = indicators.filter(
    (indicator) =>
      search.ownerIds.has(indicator.owner.id) &&
      (includesInactive || indicator.active) &&
      (!compiled || compiled.predicate(indicator)),
  );
  return matches.sort(compareBy(search.sorting));
}

export const EXPANDABLE_FIELDS = ["tags", "attributes", "associatedGroups", "threatAssess", "securityLabels"] as const;
export type ExpandableField = (typeof EXPANDABLE_FIELDS)[number];

const CREATED_BY_JSON = JSON.stringify(CREATED_BY);
const SYSTEM_CREATED_BY_JSON = JSON.stringify(SYSTEM_CREATED_BY);

/**
 * ThreatConnect sends an empty expanded collection as `{}` or `{"count":0}` (both appear in its docs) rather than
 * `{"data":[]}`; which one an indicator gets follows its id, so both shapes occur in every page.
 */
function collectionJson(indicator: EmulatedIndicator, items: readonly string[]): string {
  if (items.length > 0) return `{"data":[${items.join(",")}]}`;
  return Number(indicator.id.slice(-1)) % 2 === 0 ? "{}" : '{"count":0}';
}
const LABEL_DATE = "2016-08-31T00:00:00Z";

type FragmentCache = Map<object, string>;
/** Indicators per written chunk: large enough to keep writes few, small enough never to build one giant string. */
const CHUNK_SIZE = 250;

/**
 * Serializes a page by hand, lazily in chunks so the first bytes leave before the last indicator is written: shared tags, groups and labels are stringified once per origin and spliced in, so a
 * 10,000-indicator page with every field costs little more than copying strings. Indicator ids go out as bare JSON
 * numbers even above 2^53, exactly as ThreatConnect sends them; every other id stays below 2^53.
 */
export function* indicatorListJson(
  indicators: readonly EmulatedIndicator[],
  fields: ReadonlySet<ExpandableField>,
  origin: string,
  malformedIds: ReadonlySet<string> = new Set(),
): Generator<string> {
  const fragments: FragmentCache = new Map();
  if (indicators.length === 0) {
    yield "[]";
    return;
  }
  for (let start = 0; start < indicators.length; start += CHUNK_SIZE) {
    const texts = indicators
      .slice(start, start + CHUNK_SIZE)
      .map((indicator) => indicatorText(indicator, fields, origin, fragments, malformedIds.has(indicator.id)));
    yield `${start === 0 ? "[" : ","}${texts.join(",")}`;
  }
  yield "]";
}

function cached(fragments: FragmentCache, key: object, build: () => string): string {
  let text = fragments.get(key);
  if (text === undefined) {
    text = build();
    fragments.set(key, text);
  }
  return text;
}

function ownerName(ownerId: number): string {
  return OWNERS.find((owner) => owner.id === ownerId)?.name ?? "";
}

/** `malformed` serves the indicator with a null summary: the fault a client must survive as one bad indicator. */
export function indicatorText(
  indicator: EmulatedIndicator,
  fields: ReadonlySet<ExpandableField>,
  origin: string,
  fragments: FragmentCache = new Map(),
  malformed = false,
): string {
  const dateAdded = isoSeconds(indicator.dateAdded);
  const lastModified = isoSeconds(indicator.lastModified);
  const head: Record<string, unknown> = {
    ownerId: indicator.owner.id,
    ownerName: indicator.owner.name,
    dateAdded,
    webLink: `${origin}/#/details/indicators/${indicator.id}/overview`,
    type: indicator.type,
    lastModified,
    rating: indicator.rating,
    confidence: indicator.confidence,
  };
  if (fields.has("threatAssess")) {
    Object.assign(head, {
      threatAssessRating: indicator.rating ?? 0,
      threatAssessConfidence: indicator.confidence ?? 0,
      threatAssessScore: indicator.threatAssessScore,
      threatAssessScoreObserved: 0,
      threatAssessScoreFalsePositive: 0,
      calScore: indicator.threatAssessScore,
    });
  }
  Object.assign(head, {
    description: descriptionOf(indicator),
    summary: malformed ? null : indicator.summary,
    privateFlag: false,
    active: indicator.active,
    activeLocked: false,
    ...indicator.values,
  });
  const parts = [`{"id":${indicator.id},${JSON.stringify(head).slice(1, -1)}`];
  if (fields.has("tags")) {
    const tags = indicator.tags.map(
      (tag) =>
        `${cached(fragments, tag, () => JSON.stringify({ id: tag.id, name: tag.name, techniqueId: tag.techniqueId }).slice(0, -1))},"lastUsed":"${lastModified}"}`,
    );
    parts.push(`"tags":${collectionJson(indicator, tags)}`);
  }
  if (fields.has("attributes")) {
    const attributes = indicator.attributes.map((attribute, index) => {
      const added = attribute.dateAdded === undefined ? dateAdded : isoSeconds(attribute.dateAdded);
      const value =
        typeof attribute.value === "number" ? `"${isoSeconds(attribute.value)}"` : JSON.stringify(attribute.value);
      const createdBy = SYSTEM_ATTRIBUTE_TYPES.has(attribute.type) ? SYSTEM_CREATED_BY_JSON : CREATED_BY_JSON;
      return `{"id":${indicator.attributeIdBase + index},"dateAdded":"${added}","type":${JSON.stringify(attribute.type)},"value":${value},"createdBy":${createdBy},"lastModified":"${added}","pinned":false,"default":${attribute.type === "Description"}}`;
    });
    parts.push(`"attributes":${collectionJson(indicator, attributes)}`);
  }
  if (fields.has("associatedGroups")) {
    const groups = indicator.groups.map((group) =>
      cached(fragments, group, () =>
        JSON.stringify({
          id: group.id,
          ownerId: group.ownerId,
          ownerName: ownerName(group.ownerId),
          dateAdded: isoSeconds(group.dateAdded),
          webLink: `${origin}/#/details/groups/${group.id}/overview`,
          type: group.type,
          name: group.name,
          createdBy: group.systemCreated ? SYSTEM_CREATED_BY : CREATED_BY,
          upVoteCount: "0",
          downVoteCount: "0",
          lastModified: isoSeconds(group.dateAdded),
        }),
      ),
    );
    parts.push(`"associatedGroups":${collectionJson(indicator, groups)}`);
  }
  if (fields.has("securityLabels")) {
    const labels = indicator.securityLabels.map((label) =>
      cached(fragments, label, () => JSON.stringify({ ...label, owner: "System", dateAdded: LABEL_DATE })),
    );
    parts.push(`"securityLabels":${collectionJson(indicator, labels)}`);
  }
  return `${parts.join(",")}}`;
}
