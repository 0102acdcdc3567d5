import { isoSeconds } from "./dataset";
import {
  EXPANDABLE_FIELDS,
  indicatorListJson,
  indicatorText,
  parseSorting,
  QueryError,
  searchIndicators,
  type ExpandableField,
} from "./indicator-query";
import { isEmulatedType, OWNERS, type EmulatedIndicator, type EmulatedOwner } from "./model";
import type { IndicatorStore } from "./store";
import { TqlSyntaxError } from "./tql-lexer";
import { INDICATOR_SCOPE } from "./tql-keywords";
import { parseDateLiteral } from "./tql-parser";

export const MAX_RESULT_LIMIT = 10_000;
const DEFAULT_RESULT_LIMIT = 100;
const CACHE_TTL_SECONDS = 60;
const CACHE_SIZE = 4;

/**
 * A body as fragments written as they are produced: joining a 20 MB page into one string and encoding it in a single
 * write costs more than producing it, and streaming lets the first bytes leave early.
 */
export type ApiResponse = { status: number; body: Iterable<string> };

/** A JSON object whose `raw` members are already-serialized JSON fragments, spliced in as they are. */
export function* jsonObject(
  members: Record<string, unknown>,
  raw: Record<string, Iterable<string>> = {},
): Generator<string> {
  let isFirst = true;
  for (const [key, value] of Object.entries(members)) {
    if (value === undefined) continue;
    yield `${isFirst ? "{" : ","}${JSON.stringify(key)}:`;
    isFirst = false;
    const fragments = raw[key];
    if (fragments) yield* fragments;
    else yield JSON.stringify(value);
  }
  yield isFirst ? "{}" : "}";
}

export type ApiRequest = {
  method: string;
  path: string;
  /** The query string as received, or rebuilt from a JSON body's parameters; `next` links repeat it. */
  rawQuery: string;
  origin: string;
  ownerIds: ReadonlySet<number>;
  malformedIds: ReadonlySet<string>;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type CachedSearch = {
  key: string;
  createdAt: number;
  results: EmulatedIndicator[];
};

/**
 * Paging re-runs the same query once per page; caching the sorted matches keyed by store version keeps a
 * 25-page walk over a million indicators from filtering the whole store 25 times.
 */
export function createApiRoutes(store: IndicatorStore, now: () => Date) {
  const cache: CachedSearch[] = [];

  function cachedSearch(key: string, run: () => EmulatedIndicator[]): EmulatedIndicator[] {
    const nowSeconds = now().getTime() / 1000;
    const hit = cache.find((entry) => entry.key === key && nowSeconds - entry.createdAt < CACHE_TTL_SECONDS);
    if (hit) return hit.results;
    const results = run();
    cache.unshift({ key, createdAt: nowSeconds, results });
    cache.length = Math.min(cache.length, CACHE_SIZE);
    return results;
  }

  function readableOwner(name: string | null, ownerIds: ReadonlySet<number>): EmulatedOwner | undefined {
    if (name === null) return undefined;
    const owner = OWNERS.find((candidate) => candidate.name === name);
    if (!owner || !ownerIds.has(owner.id)) {
      throw new ApiError(403, `Owner "${name}" does not exist or the API user has no access to it`);
    }
    return owner;
  }

  function paging(params: URLSearchParams): { start: number; limit: number } {
    const start = params.get("resultStart") ?? "0";
    const limit = params.get("resultLimit") ?? String(DEFAULT_RESULT_LIMIT);
    if (!/^\d+$/.test(start)) throw new ApiError(400, "resultStart must be a non-negative integer");
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_RESULT_LIMIT) {
      throw new ApiError(400, `resultLimit must be an integer between 1 and ${MAX_RESULT_LIMIT}`);
    }
    return { start: Number(start), limit: Number(limit) };
  }

  function listIndicators(request: ApiRequest, params: URLSearchParams): ApiResponse {
    const { start, limit } = paging(params);
    const fields = new Set<ExpandableField>();
    for (const field of params.getAll("fields")) {
      if (!(EXPANDABLE_FIELDS as readonly string[]).includes(field)) {
        throw new ApiError(400, `Invalid field '${field}'; supported fields are ${EXPANDABLE_FIELDS.join(", ")}`);
      }
      fields.add(field as ExpandableField);
    }
    const owner = readableOwner(params.get("owner"), request.ownerIds);
    const ownerIds = owner ? new Set([owner.id]) : request.ownerIds;
    const tql = params.get("tql") ?? undefined;
    const sortingParam = params.get("sorting");
    let results: EmulatedIndicator[];
    try {
      const sorting = parseSorting(sortingParam);
      const key = [store.version, [...ownerIds].join(","), tql ?? "", sortingParam ?? ""].join("\u0000");
      results = cachedSearch(key, () => searchIndicators(store.all(), { tql, ownerIds, sorting }, now));
    } catch (error) {
      if (error instanceof TqlSyntaxError || error instanceof QueryError) throw new ApiError(400, error.message);
      throw error;
    }
    const page = results.slice(start, start + limit);
    const link = (resultStart: number) =>
      `${request.origin}${request.path}?${withResultStart(request.rawQuery, resultStart)}`;
    const body = jsonObject(
      {
        next: start + page.length < results.length ? link(start + limit) : undefined,
        data: null,
        prev: start > 0 ? link(Math.max(0, start - limit)) : undefined,
        count: params.get("count") === "true" && start === 0 ? results.length : undefined,
        status: "Success",
      },
      { data: indicatorListJson(page, fields, request.origin, request.malformedIds) },
    );
    return { status: 200, body };
  }

  /**
   * Without `owner`, ThreatConnect lists only the API user's Organization's deletions. Entries carry `dateAdded`,
   * whose meaning ThreatConnect does not document; here it is the indicator's own date added, not the deletion time.
   */
  function deletedIndicators(request: ApiRequest, params: URLSearchParams): ApiResponse {
    const owner = readableOwner(params.get("owner"), request.ownerIds) ?? organizationOf(request.ownerIds);
    const type = params.get("type");
    if (type !== null && !isEmulatedType(type)) throw new ApiError(400, `type '${type}' is not an indicator type`);
    const since = params.get("deletedSince");
    const sinceRange = since === null ? undefined : parseDateLiteral(since, now());
    if (since !== null && !sinceRange) {
      throw new ApiError(400, `deletedSince '${since}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ`);
    }
    const matches = store.deleted.filter(
      (record) =>
        record.ownerName === owner.name &&
        (type === null || record.type === type) &&
        (!sinceRange || record.deletedAt >= sinceRange.start),
    );
    const { start, limit } = params.has("resultLimit") ? paging(params) : { start: 0, limit: matches.length };
    const data = matches.slice(start, start + limit).map((record) => ({
      ownerName: record.ownerName,
      dateAdded: isoSeconds(record.dateAdded),
      type: record.type,
      summary: record.summary,
    }));
    const next =
      start + data.length < matches.length
        ? `${request.origin}${request.path}?${withResultStart(request.rawQuery, start + limit)}`
        : undefined;
    return { status: 200, body: jsonObject({ next, data, count: matches.length, status: "Success" }) };
  }

  function organizationOf(ownerIds: ReadonlySet<number>): EmulatedOwner {
    const organization = OWNERS.find((candidate) => candidate.type === "Organization" && ownerIds.has(candidate.id));
    if (!organization) throw new ApiError(403, "The API user belongs to no readable Organization");
    return organization;
  }

  function singleIndicator(request: ApiRequest, idOrSummary: string, params: URLSearchParams): ApiResponse {
    const owner = readableOwner(params.get("owner"), request.ownerIds) ?? OWNERS[0];
    const indicator =
      (/^\d+$/.test(idOrSummary) ? store.get(idOrSummary) : undefined) ??
      store.all().find((candidate) => candidate.owner === owner && candidate.summary === idOrSummary);
    if (!indicator || !request.ownerIds.has(indicator.owner.id)) {
      throw new ApiError(404, `Indicator '${idOrSummary}' was not found`);
    }
    const fields = new Set(
      params
        .getAll("fields")
        .filter((field): field is ExpandableField => (EXPANDABLE_FIELDS as readonly string[]).includes(field)),
    );
    return {
      status: 200,
      body: jsonObject({ data: null, status: "Success" }, { data: [indicatorText(indicator, fields, request.origin)] }),
    };
  }

  function owners(request: ApiRequest): ApiResponse {
    const data = OWNERS.filter((owner) => request.ownerIds.has(owner.id)).map((owner) => ({
      id: owner.id,
      name: owner.name,
      type: owner.type,
      ownerRole: owner.type === "Organization" ? "Organization Administrator" : "Director",
      permIndicator: "FULL",
      permGroup: "FULL",
      permTag: "FULL",
    }));
    return { status: 200, body: jsonObject({ data, status: "Success" }) };
  }

  function tqlKeywords(): ApiResponse {
    const data = Object.values(INDICATOR_SCOPE.keywords).map((keyword) => ({
      keyword: keyword.name,
      name: keyword.name,
      type: {
        string: "String",
        number: "Integer",
        id: "BigInteger",
        boolean: "Boolean",
        date: "Date",
      }[keyword.kind],
    }));
    return {
      status: 200,
      body: jsonObject({ data, count: data.length, status: "Success" }),
    };
  }

  return function route(request: ApiRequest): ApiResponse {
    const { path } = request;
    const params = new URLSearchParams(request.rawQuery);
    if (request.method === "OPTIONS" && path === "/api/v3/indicators/tql") return tqlKeywords();
    if (request.method !== "GET") throw new ApiError(405, `${request.method} ${path} is not supported by the emulator`);
    if (path === "/api/v3/security/owners") return owners(request);
    if (path === "/api/v3/indicators") return listIndicators(request, params);
    if (path === "/api/v3/indicators/deleted") return deletedIndicators(request, params);
    const single = /^\/api\/v3\/indicators\/([^/]+)$/.exec(path);
    if (single?.[1]) return singleIndicator(request, decodeURIComponent(single[1]), params);
    throw new ApiError(404, `No API endpoint at ${path}`);
  };
}

/** Rewrites only `resultStart`, keeping every other parameter byte for byte so clients can sign the link as given. */
export function withResultStart(rawQuery: string, resultStart: number): string {
  const parts = rawQuery === "" ? [] : rawQuery.split("&");
  const replaced = parts.map((part) => (part.split("=")[0] === "resultStart" ? `resultStart=${resultStart}` : part));
  if (!parts.some((part) => part.split("=")[0] === "resultStart")) replaced.push(`resultStart=${resultStart}`);
  return replaced.join("&");
}
