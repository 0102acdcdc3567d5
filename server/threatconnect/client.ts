import { ThreatConnectError } from "./errors";
import { deletedPageSchema, indicatorPageSchema, ownerPageSchema } from "./schemas";
import { encodeQueryComponent } from "./sign-request";
import { composeTql, formatTqlDate } from "./tql";
import { createTransport, type RetryPolicy } from "./transport";
import {
  INDICATOR_FIELDS,
  SORT_FIELDS,
  type DeletedIndicator,
  type IndicatorQuery,
  type IndicatorType,
  type Owner,
  type ThreatConnectCredentials,
  type ThreatConnectIndicator,
} from "./types";
import type { z } from "zod";

export type ThreatConnectClientOptions = {
  credentials: ThreatConnectCredentials;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => Date;
};

export type IndicatorPage = {
  indicators: ThreatConnectIndicator[];
  resultStart: number;
  total?: number;
};

export type ThreatConnectClient = {
  indicatorPages(
    query: IndicatorQuery,
    opts?: { pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<IndicatorPage>;
  countIndicators(query: IndicatorQuery, opts?: { signal?: AbortSignal }): Promise<number>;
  listOwners(opts?: { signal?: AbortSignal }): Promise<Owner[]>;
  deletedIndicators(
    query: { since: Date; type?: IndicatorType; owner?: string },
    opts?: { signal?: AbortSignal },
  ): Promise<DeletedIndicator[]>;
};

export const MAX_PAGE_SIZE = 10_000;
const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
};

/** Accepts `https://host`, `https://host/` and the `https://host/api` form ThreatConnect's own docs use. */
export function normalizeBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ThreatConnectError("bad_request", `Base URL "${baseUrl}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ThreatConnectError("bad_request", `Base URL must start with https:// (got ${url.protocol}//)`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ThreatConnectError("bad_request", "Base URL must not contain credentials, a query string or a fragment");
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return new URL(`${url.origin}${path}`);
}

export function createThreatConnectClient(options: ThreatConnectClientOptions): ThreatConnectClient {
  const { credentials } = options;
  if (!credentials.accessId.trim()) throw new ThreatConnectError("auth", "The ThreatConnect Access ID is empty");
  if (!credentials.secretKey) throw new ThreatConnectError("auth", "The ThreatConnect Secret Key is empty");
  const base = normalizeBaseUrl(credentials.baseUrl);
  const transport = createTransport({
    accessId: credentials.accessId.trim(),
    secretKey: credentials.secretKey,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY,
    now: options.now ?? (() => new Date()),
  });

  function apiUrl(path: string, params: [string, string][]): URL {
    const query = params.map(([key, value]) => `${key}=${encodeQueryComponent(value)}`).join("&");
    return new URL(`${base.href.replace(/\/$/, "")}${path}${query ? `?${query}` : ""}`);
  }

  /** `next` links are followed only on the configured host, so signed requests never go anywhere else. */
  function followNext(next: string, expectedPathname: string): URL {
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, base);
    } catch {
      throw new ThreatConnectError("bad_response", `ThreatConnect returned an unusable next link: ${next}`);
    }
    if (nextUrl.pathname !== expectedPathname) {
      throw new ThreatConnectError(
        "bad_response",
        `ThreatConnect returned a next link to an unexpected path: ${nextUrl.pathname}`,
      );
    }
    return new URL(`${base.origin}${nextUrl.pathname}${nextUrl.search}`);
  }

  async function getPage<T extends z.ZodType>(
    url: URL,
    schema: T,
    context: { hadTql: boolean; signal?: AbortSignal },
  ): Promise<z.infer<T>> {
    const body = await transport.getJson(url, context);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ThreatConnectError(
        "bad_response",
        `ThreatConnect returned an unexpected response for ${url.pathname}: ${describeIssue(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  /** Follows `next` links. An empty page ends the walk even with a next link, which would otherwise loop forever. */
  async function* walkPages<T extends z.ZodType<{ data: unknown[]; next?: string }>>(
    firstUrl: URL,
    schema: T,
    context: { hadTql: boolean; signal?: AbortSignal },
  ): AsyncGenerator<{ url: URL; page: z.infer<T> }> {
    let url: URL | undefined = firstUrl;
    while (url) {
      const page: z.infer<T> = await getPage(url, schema, context);
      yield { url, page };
      url = page.next && page.data.length > 0 ? followNext(page.next, firstUrl.pathname) : undefined;
    }
  }

  async function listOwners(opts: { signal?: AbortSignal } = {}): Promise<Owner[]> {
    const owners: Owner[] = [];
    const firstUrl = apiUrl("/api/v3/security/owners", [["resultLimit", "500"]]);
    for await (const { page } of walkPages(firstUrl, ownerPageSchema, {
      hadTql: false,
      signal: opts.signal,
    })) {
      owners.push(...page.data.map(({ id, name, type }) => ({ id, name, type })));
    }
    return owners;
  }

  /**
   * One owner goes in ThreatConnect's `owner` parameter, which answers 403 for an owner the user cannot read.
   * Several owners go in TQL, which silently matches nothing for an unreadable owner, so they are checked first.
   */
  async function resolveOwnerSelection(
    owners: readonly string[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ ownerParam?: string; ownersInTql: string[] }> {
    const requested = [...new Set((owners ?? []).map((owner) => owner.trim()))];
    if (requested.some((owner) => owner === "")) throw new TypeError("owners: owner names must not be empty");
    if (requested.length === 0) return { ownersInTql: [] };
    if (requested.length === 1) return { ownerParam: requested[0], ownersInTql: [] };
    const readable = new Set((await listOwners({ signal })).map((owner) => owner.name));
    const missing = requested.filter((owner) => !readable.has(owner));
    if (missing.length > 0) {
      throw new ThreatConnectError(
        "permission",
        `The API user cannot read these owners: ${missing.map((owner) => `"${owner}"`).join(", ")}`,
        { status: 403 },
      );
    }
    return { ownersInTql: requested };
  }

  async function indicatorParams(query: IndicatorQuery, signal: AbortSignal | undefined) {
    if (query.sortField !== undefined && !SORT_FIELDS.includes(query.sortField)) {
      throw new TypeError(`sortField: "${String(query.sortField)}" is not one of ${SORT_FIELDS.join(", ")}`);
    }
    if (query.sortDirection !== undefined && query.sortDirection !== "ASC" && query.sortDirection !== "DESC") {
      throw new TypeError(`sortDirection: must be "ASC" or "DESC" (got "${String(query.sortDirection)}")`);
    }
    for (const field of query.fields ?? []) {
      if (!INDICATOR_FIELDS.includes(field)) {
        throw new TypeError(`fields: "${String(field)}" is not one of ${INDICATOR_FIELDS.join(", ")}`);
      }
    }
    const { ownerParam, ownersInTql } = await resolveOwnerSelection(query.owners, signal);
    const tql = composeTql(query, ownersInTql);
    const params: [string, string][] = [];
    if (tql) params.push(["tql", tql]);
    for (const field of new Set(query.fields ?? [])) params.push(["fields", field]);
    if (ownerParam) params.push(["owner", ownerParam]);
    if (query.sortField) params.push(["sorting", `${query.sortField} ${query.sortDirection ?? "ASC"}`]);
    return { params, hadTql: tql !== undefined };
  }

  async function* indicatorPages(
    query: IndicatorQuery,
    opts: { pageSize?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<IndicatorPage> {
    const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${pageSize})`);
    }
    const { params, hadTql } = await indicatorParams(query, opts.signal);
    const firstUrl = apiUrl("/api/v3/indicators", [
      ...params,
      ["resultStart", "0"],
      ["resultLimit", String(pageSize)],
      ["count", "true"],
    ]);
    for await (const { url, page } of walkPages(firstUrl, indicatorPageSchema, {
      hadTql,
      signal: opts.signal,
    })) {
      const resultStart = Number(url.searchParams.get("resultStart") ?? "0");
      yield { indicators: page.data, resultStart, total: page.count };
    }
  }

  async function countIndicators(query: IndicatorQuery, opts: { signal?: AbortSignal } = {}): Promise<number> {
    const { params, hadTql } = await indicatorParams(query, opts.signal);
    const url = apiUrl("/api/v3/indicators", [
      ...params,
      ["resultStart", "0"],
      ["resultLimit", "1"],
      ["count", "true"],
    ]);
    const page = await getPage(url, indicatorPageSchema, {
      hadTql,
      signal: opts.signal,
    });
    if (page.count === undefined) {
      throw new ThreatConnectError("bad_response", "ThreatConnect did not return a count for the query");
    }
    return page.count;
  }

  async function deletedIndicators(
    query: { since: Date; type?: IndicatorType; owner?: string },
    opts: { signal?: AbortSignal } = {},
  ): Promise<DeletedIndicator[]> {
    if (Number.isNaN(query.since.getTime())) throw new TypeError("since: not a valid date");
    const params: [string, string][] = [["deletedSince", formatTqlDate(query.since)]];
    if (query.type) params.push(["type", query.type]);
    if (query.owner) params.push(["owner", query.owner]);
    const deleted: DeletedIndicator[] = [];
    const firstUrl = apiUrl("/api/v3/indicators/deleted", params);
    for await (const { page } of walkPages(firstUrl, deletedPageSchema, {
      hadTql: false,
      signal: opts.signal,
    })) {
      deleted.push(
        ...page.data.map(({ ownerName, type, summary, dateAdded }) => ({
          ownerName,
          type,
          summary,
          dateAdded,
        })),
      );
    }
    return deleted;
  }

  return { indicatorPages, countIndicators, listOwners, deletedIndicators };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid shape";
  return `${issue.path.join(".") || "(root)"}: ${issue.message}`;
}
