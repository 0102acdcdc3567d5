import { normalizeBaseUrl } from "./base-url";
import { ThreatConnectError } from "./errors";
import { deletedPageSchema, indicatorPageSchema, ownerPageSchema, type RejectedIndicator } from "./schemas";
import { describeIssue, itemChunks, type IndicatorPage, type IndicatorPageChunks } from "./indicator-page";
import { scanDataBody } from "./page-scan";
import { encodeQueryComponent } from "./sign-request";
import { composeQueryTql, formatTqlDate } from "./tql";
import { createTransport, type OutboundAgents, type RetryPolicy } from "./transport";
import {
  INDICATOR_FIELDS,
  SORT_FIELDS,
  type DeletedIndicator,
  type IndicatorField,
  type IndicatorQuery,
  type IndicatorType,
  type Owner,
  type ThreatConnectCredentials,
  type ThreatConnectIndicator,
} from "./types";
import type { z } from "zod";

export type ThreatConnectClientOptions = {
  credentials: ThreatConnectCredentials;
  /** No progress for this long fails one attempt (which may be retried). */
  timeoutMs?: number;
  /** Everything one call does (every attempt, retry wait and page) must finish within this. */
  deadlineMs?: number;
  /** One response larger than this is refused rather than buffered. */
  maxResponseBytes?: number;
  /** `next` links one call follows at most. */
  maxPages?: number;
  retry?: RetryPolicy;
  now?: () => Date;
  agents?: OutboundAgents;
};

export type { IndicatorPage, IndicatorPageChunks } from "./indicator-page";

export type DeletedIndicatorsQuery = { owner: string; since: Date; type?: IndicatorType };
export type DeletedIndicatorPage = { deleted: DeletedIndicator[]; next?: string };
type CallOptions = { signal?: AbortSignal };

export type ThreatConnectClient = {
  /** The first page of a query, or the page a previous page's `next` cursor points at. */
  indicatorPage(
    query: IndicatorQuery,
    opts?: CallOptions & { pageSize?: number; cursor?: string },
  ): Promise<IndicatorPage>;
  /** As indicatorPage, for pages too large to hold as objects at once: the download's 10,000-indicator pages. */
  indicatorPageChunks(
    query: IndicatorQuery,
    opts?: CallOptions & { pageSize?: number; cursor?: string },
  ): Promise<IndicatorPageChunks>;
  /** Every page of a query; each page is one call for the deadline. */
  indicatorPages(query: IndicatorQuery, opts?: CallOptions & { pageSize?: number }): AsyncIterable<IndicatorPage>;
  countIndicators(query: IndicatorQuery, opts?: CallOptions): Promise<number>;
  listOwners(opts?: CallOptions): Promise<Owner[]>;
  /** `/indicators/deleted` covers only the API user's Organization unless told the owner, so one owner per call. */
  deletedIndicatorPage(
    query: DeletedIndicatorsQuery,
    opts?: CallOptions & { cursor?: string },
  ): Promise<DeletedIndicatorPage>;
  deletedIndicators(query: DeletedIndicatorsQuery, opts?: CallOptions): Promise<DeletedIndicator[]>;
};

export const MAX_PAGE_SIZE = 10_000;
/** What the STIX mapping reads beyond the default fields: tags, attributes, groups and the ThreatAssess score. */
export const MAPPING_FIELDS: readonly IndicatorField[] = ["tags", "attributes", "associatedGroups", "threatAssess"];
const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 10 * 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_PAGES = 1000;
const MAX_OWNER_PAGES = 20;
const MAX_OWNERS = 10_000;
const OWNER_PAGE_SIZE = 500;
const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

export function createThreatConnectClient(options: ThreatConnectClientOptions): ThreatConnectClient {
  const { credentials } = options;
  if (!credentials.accessId.trim()) {
    throw new ThreatConnectError("auth", "The ThreatConnect Access ID is empty", { field: "threatConnectAccessId" });
  }
  if (!credentials.secretKey) {
    throw new ThreatConnectError("auth", "The ThreatConnect Secret Key is empty", { field: "threatConnectSecretKey" });
  }
  const base = normalizeBaseUrl(credentials.baseUrl);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const transport = createTransport({
    accessId: credentials.accessId.trim(),
    secretKey: credentials.secretKey,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY,
    now: options.now ?? (() => new Date()),
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    agents: options.agents,
  });

  /** Runs one call under the deadline; the caller's own abort still surfaces as the caller's reason. */
  async function bounded<T>(callerSignal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>) {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    try {
      return await run(signal);
    } catch (error) {
      if (deadline.aborted && !callerSignal?.aborted) {
        throw new ThreatConnectError("timeout", `ThreatConnect did not finish within the ${deadlineMs} ms allowed`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  function apiUrl(path: string, params: [string, string][]): URL {
    const query = params.map(([key, value]) => `${key}=${encodeQueryComponent(value)}`).join("&");
    return new URL(`${base.href.replace(/\/$/, "")}${path}${query ? `?${query}` : ""}`);
  }

  /** Cursors and `next` links are followed only on the configured host, so signed requests never go anywhere else. */
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

  async function getPage<T extends z.ZodType>(url: URL, schema: T, signal: AbortSignal): Promise<z.infer<T>> {
    const body = await transport.getJson(url, signal);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ThreatConnectError(
        "bad_response",
        `ThreatConnect returned an unexpected response for ${url.pathname}: ${describeIssue(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  /** Follows `next` links, at most `maxPages` pages. An empty page ends the walk, which would otherwise loop. */
  async function* walkPages<T extends z.ZodType<{ data: unknown[]; next?: string }>>(
    firstUrl: URL,
    schema: T,
    signal: AbortSignal,
    pageLimit: number,
  ): AsyncGenerator<z.infer<T>> {
    let url: URL | undefined = firstUrl;
    for (let pages = 0; url; pages++) {
      if (pages >= pageLimit) {
        throw new ThreatConnectError(
          "too_many_pages",
          `ThreatConnect kept returning next links after ${pageLimit} pages of ${firstUrl.pathname}; stopped there`,
        );
      }
      const page: z.infer<T> = await getPage(url, schema, signal);
      yield page;
      url = page.next && page.data.length > 0 ? followNext(page.next, firstUrl.pathname) : undefined;
    }
  }

  function listOwners(opts: CallOptions = {}): Promise<Owner[]> {
    return bounded(opts.signal, async (signal) => {
      const owners: Owner[] = [];
      const firstUrl = apiUrl("/api/v3/security/owners", [["resultLimit", String(OWNER_PAGE_SIZE)]]);
      for await (const page of walkPages(firstUrl, ownerPageSchema, signal, MAX_OWNER_PAGES)) {
        owners.push(...page.data.map(({ id, name, type }) => ({ id, name, type })));
        if (owners.length > MAX_OWNERS) {
          throw new ThreatConnectError("bad_response", `ThreatConnect listed more than ${MAX_OWNERS} owners`);
        }
      }
      return owners;
    });
  }

  /**
   * One owner goes in ThreatConnect's `owner` parameter, which answers 403 for an owner the user cannot read.
   * Several owners go in TQL, which silently matches nothing for an unreadable owner, so they are checked first.
   */
  async function resolveOwnerSelection(
    owners: readonly string[] | undefined,
    signal: AbortSignal,
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

  async function indicatorParams(
    query: IndicatorQuery,
    signal: AbortSignal,
    fields: readonly IndicatorField[],
  ): Promise<[string, string][]> {
    if (query.sortField !== undefined && !SORT_FIELDS.includes(query.sortField)) {
      throw new TypeError(`sortField: "${String(query.sortField)}" is not one of ${SORT_FIELDS.join(", ")}`);
    }
    if (query.sortDirection !== undefined && query.sortDirection !== "ASC" && query.sortDirection !== "DESC") {
      throw new TypeError(`sortDirection: must be "ASC" or "DESC" (got "${String(query.sortDirection)}")`);
    }
    for (const field of fields) {
      if (!INDICATOR_FIELDS.includes(field)) {
        throw new TypeError(`fields: "${String(field)}" is not one of ${INDICATOR_FIELDS.join(", ")}`);
      }
    }
    const tqlFilters = { tql: query.tql, types: query.types, modifiedSince: query.modifiedSince };
    // Checked before any request, so a TQL that would escape its filters never reaches ThreatConnect.
    composeQueryTql(tqlFilters);
    const { ownerParam, ownersInTql } = await resolveOwnerSelection(query.owners, signal);
    const tql = composeQueryTql({ ...tqlFilters, owners: ownersInTql });
    const params: [string, string][] = [];
    if (tql) params.push(["tql", tql]);
    for (const field of new Set(fields)) params.push(["fields", field]);
    if (ownerParam) params.push(["owner", ownerParam]);
    if (query.sortField) params.push(["sorting", `${query.sortField} ${query.sortDirection ?? "ASC"}`]);
    return params;
  }

  function checkPageSize(pageSize: number): void {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${pageSize})`);
    }
  }

  async function firstIndicatorUrl(query: IndicatorQuery, pageSize: number, signal: AbortSignal): Promise<URL> {
    checkPageSize(pageSize);
    const params = await indicatorParams(query, signal, query.fields ?? MAPPING_FIELDS);
    return apiUrl("/api/v3/indicators", [
      ...params,
      ["resultStart", "0"],
      ["resultLimit", String(pageSize)],
      ["count", "true"],
    ]);
  }

  async function readIndicatorPage(url: URL, signal: AbortSignal): Promise<IndicatorPageChunks> {
    const body = await transport.getParsed(url, signal, scanDataBody);
    const envelope = indicatorPageSchema.safeParse({
      ...body.members,
      data: body.itemCount === null ? body.members.data : [],
    });
    if (!envelope.success) {
      throw new ThreatConnectError(
        "bad_response",
        `ThreatConnect returned an unexpected response for ${url.pathname}: ${describeIssue(envelope.error)}`,
      );
    }
    const size = body.itemCount ?? 0;
    return {
      size,
      resultStart: Number(url.searchParams.get("resultStart") ?? "0"),
      total: envelope.data.count,
      next: envelope.data.next && size > 0 ? followNext(envelope.data.next, url.pathname).href : undefined,
      chunks: (chunkSize) => itemChunks(body, chunkSize),
    };
  }

  function indicatorPageChunks(
    query: IndicatorQuery,
    opts: CallOptions & { pageSize?: number; cursor?: string } = {},
  ): Promise<IndicatorPageChunks> {
    return bounded(opts.signal, async (signal) => {
      const url =
        opts.cursor === undefined
          ? await firstIndicatorUrl(query, opts.pageSize ?? DEFAULT_PAGE_SIZE, signal)
          : followNext(opts.cursor, "/api/v3/indicators");
      return readIndicatorPage(url, signal);
    });
  }

  async function indicatorPage(
    query: IndicatorQuery,
    opts: CallOptions & { pageSize?: number; cursor?: string } = {},
  ): Promise<IndicatorPage> {
    const { chunks, size, ...page } = await indicatorPageChunks(query, opts);
    const indicators: ThreatConnectIndicator[] = [];
    const rejected: RejectedIndicator[] = [];
    for (const chunk of chunks(Math.max(size, 1))) {
      indicators.push(...chunk.indicators);
      rejected.push(...chunk.rejected);
    }
    return { indicators, rejected, ...page };
  }

  async function* indicatorPages(
    query: IndicatorQuery,
    opts: CallOptions & { pageSize?: number } = {},
  ): AsyncGenerator<IndicatorPage> {
    let page = await indicatorPage(query, opts);
    yield page;
    for (let pages = 1; page.next; pages++) {
      if (pages >= maxPages) {
        throw new ThreatConnectError(
          "too_many_pages",
          `ThreatConnect kept returning next links after ${maxPages} pages of indicators; stopped there`,
        );
      }
      page = await indicatorPage(query, { signal: opts.signal, cursor: page.next });
      yield page;
    }
  }

  function countIndicators(query: IndicatorQuery, opts: CallOptions = {}): Promise<number> {
    return bounded(opts.signal, async (signal) => {
      const params = await indicatorParams(query, signal, []);
      const url = apiUrl("/api/v3/indicators", [
        ...params,
        ["resultStart", "0"],
        ["resultLimit", "1"],
        ["count", "true"],
      ]);
      const page = await getPage(url, indicatorPageSchema, signal);
      if (page.count === undefined) {
        throw new ThreatConnectError("bad_response", "ThreatConnect did not return a count for the query");
      }
      return page.count;
    });
  }

  function deletedUrl(query: DeletedIndicatorsQuery): URL {
    if (Number.isNaN(query.since.getTime())) throw new TypeError("since: not a valid date");
    if (!query.owner.trim()) throw new TypeError("owner: the owner whose deletions to list is required");
    const params: [string, string][] = [
      ["deletedSince", formatTqlDate(query.since)],
      ["owner", query.owner.trim()],
    ];
    if (query.type) params.push(["type", query.type]);
    return apiUrl("/api/v3/indicators/deleted", params);
  }

  const deletedOf = (page: z.infer<typeof deletedPageSchema>): DeletedIndicator[] =>
    page.data.map(({ ownerName, type, summary, dateAdded }) => ({ ownerName, type, summary, dateAdded }));

  function deletedIndicatorPage(
    query: DeletedIndicatorsQuery,
    opts: CallOptions & { cursor?: string } = {},
  ): Promise<DeletedIndicatorPage> {
    return bounded(opts.signal, async (signal) => {
      const url = opts.cursor === undefined ? deletedUrl(query) : followNext(opts.cursor, "/api/v3/indicators/deleted");
      const page = await getPage(url, deletedPageSchema, signal);
      const next = page.next && page.data.length > 0 ? followNext(page.next, url.pathname).href : undefined;
      return { deleted: deletedOf(page), next };
    });
  }

  function deletedIndicators(query: DeletedIndicatorsQuery, opts: CallOptions = {}): Promise<DeletedIndicator[]> {
    return bounded(opts.signal, async (signal) => {
      const deleted: DeletedIndicator[] = [];
      for await (const page of walkPages(deletedUrl(query), deletedPageSchema, signal, maxPages)) {
        deleted.push(...deletedOf(page));
      }
      return deleted;
    });
  }

  return {
    indicatorPage,
    indicatorPageChunks,
    indicatorPages,
    countIndicators,
    listOwners,
    deletedIndicatorPage,
    deletedIndicators,
  };
}
