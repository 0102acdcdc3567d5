import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { QuerySortDirection, QuerySortField } from "@/db/schema/services";
import type { AppRouter } from "@/server/api/root";
import type { IndicatorType } from "@/server/stix/indicator-types";

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

export type ServiceView = RouterOutputs["service"]["bySlug"];
export type QueryList = RouterOutputs["query"]["list"];
export type SavedQuery = QueryList["queries"][number];
export type RunMode = QueryList["nextRunMode"];
/** One query of an edit session; `id` is absent for queries added since the last save. */
export type QueryDraft = Required<Omit<RouterInputs["query"]["save"]["queries"][number], "id">> & {
  id?: string | undefined;
};
export type PreviewResult = RouterOutputs["query"]["preview"];
export type AuditEntry = RouterOutputs["audit"]["list"]["entries"][number];

export { INDICATOR_TYPES } from "@/server/stix/indicator-types";
export type { IndicatorType };

/** Labels double as the exhaustive list of options: a new enum value fails to typecheck until it has one. */
export const SORT_FIELD_LABELS: Record<QuerySortField, string> = {
  dateAdded: "Date added",
  lastModified: "Last modified",
  rating: "Rating",
  confidence: "Confidence",
  threatAssessScore: "ThreatAssess score",
  summary: "Summary",
};

export const SORT_DIRECTION_LABELS: Record<QuerySortDirection, string> = { ASC: "Ascending", DESC: "Descending" };

export const RUN_MODE_LABELS: Record<RunMode, string> = { delta: "delta update", full: "full update" };

/** Mirrors the server's rule so the form can show it while typing; the saved value comes from the server. */
export function effectiveSourceNameOf(sourceName: string) {
  return `ThreatConnect-${sourceName.trim()}`;
}

export function formatDateTime(date: Date) {
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

export type ConnectionCheck = RouterOutputs["service"]["testAzure"];

/** Shared by the server prefetch and the client hook so both address the same cached infinite query. */
export const auditPageOf = (orgSlug: string, serviceId: string) => ({ orgSlug, targetId: serviceId, limit: 20 });
export const nextAuditCursor = (page: RouterOutputs["audit"]["list"]) => page.nextCursor;
