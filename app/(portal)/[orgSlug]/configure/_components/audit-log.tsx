"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { LoadMoreFooter, useKeysetRows } from "@/app/_components/load-more";
import { TableEmpty } from "@/app/_components/table-parts";
import { useTRPC } from "@/app/_trpc/client";
import { AUDIT_ACTION_LABELS } from "@/lib/vocabulary";
import { auditPageOf, formatDateTime, nextAuditCursor, SORT_FIELD_LABELS, type AuditEntry } from "./configure-types";

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  isEnabled: "Enabled",
  azureCloud: "Azure cloud",
  sentinelApi: "Sentinel API",
  tenantId: "Tenant ID",
  clientId: "Client ID",
  clientSecret: "Client secret",
  workspaceId: "Workspace ID",
  sourceName: "Source name",
  threatConnectBaseUrl: "ThreatConnect base URL",
  threatConnectAccessId: "ThreatConnect access ID",
  threatConnectSecretKey: "ThreatConnect secret key",
  scheduleIntervalHours: "Schedule interval hours",
  ttlHours: "TTL hours",
  notificationEmails: "Notification emails",
  maxRestartAttempts: "Max restart attempts",
  failureNotificationThreshold: "Failed runs before notifying",
  nextRunMode: "Next run",
  runMode: "Next run",
  queriesVersion: "Queries version",
  queries: "Queries",
  lastSuccessfulRunAt: "Last successful run",
  slug: "URL name",
  id: "Service id",
};

const FIELD_ORDER = Object.keys(FIELD_LABELS);
const fieldRank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);

/** The log stores only "set" or "replaced" for these, never a value; say so in words. */
const SECRET_FIELDS = new Set(["clientSecret", "threatConnectSecretKey"]);

type BeforeAfter = { before: unknown; after: unknown };
type QuerySummary = { owners: string[]; types: string[]; tql: string; sortField: string; sortDirection: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isBeforeAfter = (value: unknown): value is BeforeAfter =>
  isRecord(value) && "before" in value && "after" in value && Object.keys(value).length === 2;
const isQuerySummary = (value: unknown): value is QuerySummary =>
  isRecord(value) && typeof value.tql === "string" && Array.isArray(value.owners) && Array.isArray(value.types);
const isQueryList = (value: unknown): value is QuerySummary[] => Array.isArray(value) && value.every(isQuerySummary);

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map(formatValue).join(", ");
  if (isRecord(value))
    return Object.entries(value)
      .map(([key, item]) => `${key} ${formatValue(item)}`)
      .join(", ");
  return JSON.stringify(value);
}

function QueryListView({ queries }: { queries: QuerySummary[] }) {
  if (queries.length === 0) return <p className="text-slate-500">no queries</p>;
  return (
    <ol className="list-decimal space-y-0.5 pl-5">
      {queries.map((query, index) => (
        <li key={index}>
          <code className="font-mono">{query.tql}</code>
          <span className="text-slate-500">
            {" "}
            · {query.owners.join(", ")} · {query.types.join(", ")} ·{" "}
            {SORT_FIELD_LABELS[query.sortField as keyof typeof SORT_FIELD_LABELS] ?? query.sortField}{" "}
            {query.sortDirection}
          </span>
        </li>
      ))}
    </ol>
  );
}

function ChangeValue({ field, value }: { field: string; value: unknown }): ReactNode {
  if (SECRET_FIELDS.has(field)) return <span className="italic">{value === "replaced" ? "replaced" : "set"}</span>;
  if (isBeforeAfter(value)) {
    if (field === "queries" && isQueryList(value.before) && isQueryList(value.after)) {
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <p className="text-xs font-medium uppercase text-slate-500">Before</p>
            <QueryListView queries={value.before} />
          </div>
          <div>
            <p className="text-xs font-medium uppercase text-slate-500">After</p>
            <QueryListView queries={value.after} />
          </div>
        </div>
      );
    }
    return (
      <span>
        <span className="text-slate-500 line-through decoration-slate-400">{formatValue(value.before)}</span>
        <span aria-label="changed to"> → </span>
        <span className="font-medium text-slate-900">{formatValue(value.after)}</span>
      </span>
    );
  }
  return <span>{formatValue(value)}</span>;
}

export function AuditEntryView({ entry }: { entry: AuditEntry }) {
  const actor = entry.actor ? (entry.actor.name ?? entry.actor.email) : "System";
  // jsonb keeps its own key order; show fields in the form's order instead.
  const changes = Object.entries(entry.diff).sort(([a], [b]) => fieldRank(a) - fieldRank(b));
  return (
    <div>
      <p className="text-sm text-slate-900">
        <span className="font-medium">{actor}</span> {AUDIT_ACTION_LABELS[entry.action]}
        {entry.actor?.name ? <span className="text-slate-500"> ({entry.actor.email})</span> : null}
      </p>
      {changes.length > 0 ? (
        <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
          {changes.map(([field, value]) => (
            <div key={field} className="contents">
              <dt className="text-slate-500">{FIELD_LABELS[field] ?? field}</dt>
              <dd className="break-words text-slate-800">
                <ChangeValue field={field} value={value} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

const column = createDataColumnHelper<AuditEntry>();
const AUDIT_COLUMNS = column.columns([
  column.accessor("at", {
    header: "When",
    meta: { cellClassName: "whitespace-nowrap text-xs text-slate-500" },
    cell: ({ row: { original: entry } }) => <time dateTime={entry.at.toISOString()}>{formatDateTime(entry.at)}</time>,
  }),
  column.display({
    id: "change",
    header: "Change",
    meta: { cellClassName: "w-full" },
    cell: ({ row: { original: entry } }) => <AuditEntryView entry={entry} />,
  }),
]);
const entriesOf = (page: { entries: AuditEntry[] }) => page.entries;
const getEntryId = (entry: AuditEntry) => entry.id;

export function AuditLog({ orgSlug, serviceId }: { orgSlug: string; serviceId: string }) {
  const trpc = useTRPC();
  const history = useSuspenseInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(auditPageOf(orgSlug, serviceId), { getNextPageParam: nextAuditCursor }),
  );
  const entries = useKeysetRows(history.data.pages, entriesOf);
  return (
    <DataTable
      label="Audit log"
      columns={AUDIT_COLUMNS}
      rows={entries}
      getRowId={getEntryId}
      rowTestId="audit-entry"
      error={history.isRefetchError ? history.error : undefined}
      onRetry={() => void history.refetch()}
      empty={<TableEmpty title="No history yet">Changes to this service and its queries are recorded here.</TableEmpty>}
      footer={<LoadMoreFooter paging={history} shownCount={entries.length} />}
    />
  );
}
