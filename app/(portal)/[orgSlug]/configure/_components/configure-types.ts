import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { RunMode, QuerySortField, SortDirection } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/api/root";

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

export type ServiceView = RouterOutputs["service"]["bySlug"];
export type ServiceSummary = RouterOutputs["service"]["list"][number];
export type QueryList = RouterOutputs["query"]["list"];
export type SavedQuery = QueryList["queries"][number];
/** One query of an edit session; `id` is absent for queries added since the last save. */
export type QueryDraft = Required<Omit<RouterInputs["query"]["save"]["queries"][number], "id">> & {
  id?: string | undefined;
};
export type PreviewResult = RouterOutputs["query"]["preview"];
export type AuditEntry = RouterOutputs["audit"]["list"]["entries"][number];

/** Labels double as the exhaustive list of options: a new enum value fails to typecheck until it has one. */
export const SORT_FIELD_LABELS: Record<QuerySortField, string> = {
  dateAdded: "Date added",
  lastModified: "Last modified",
  rating: "Rating",
  confidence: "Confidence",
  threatAssessScore: "ThreatAssess score",
  summary: "Summary",
};

export const SORT_DIRECTION_LABELS: Record<SortDirection, string> = { ASC: "Ascending", DESC: "Descending" };

export const RUN_MODE_LABELS: Record<RunMode, string> = { delta: "delta update", full: "full update" };

/**
 * What each mode really sends. Neither sends what Sentinel already holds unchanged, so "full" must not read as
 * "every indicator": it differs from a delta in looking at every matching indicator and revoking what stopped matching.
 */
export const RUN_MODE_EXPLANATIONS: Record<RunMode, string> = {
  delta:
    "asks ThreatConnect only for indicators modified since the last successful run, sends the new and changed " +
    "ones, revokes those deleted in ThreatConnect and re-sends any about to expire in Sentinel.",
  full:
    "re-evaluates every indicator the queries match: sends what is new or changed (and re-sends what is about to " +
    "expire), skips what Sentinel already has unchanged, and revokes what it sent earlier that no longer matches.",
};

export function formatDateTime(date: Date) {
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

export type ConnectionCheck = RouterOutputs["service"]["testAzure"];

/** Shared by the server prefetch and the client hook so both address the same cached infinite query. */
export const auditPageOf = (orgSlug: string, serviceId: string) => ({ orgSlug, targetId: serviceId, limit: 20 });
export const nextAuditCursor = (page: RouterOutputs["audit"]["list"]) => page.nextCursor;
