"use client";

import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { TableEmpty } from "@/app/_components/table-parts";
import { Alert, Button } from "@/app/_components/ui";
import type { PreviewResult } from "./configure-types";

type PreviewRow = Extract<PreviewResult, { ok: true }>["rows"][number];

const column = createDataColumnHelper<PreviewRow>();
const PREVIEW_COLUMNS = column.columns([
  column.display({
    id: "indicator",
    header: "ThreatConnect indicator",
    meta: { cellClassName: "w-1/3 text-xs" },
    cell: ({ row: { original: row } }) => (
      <>
        <div className="font-medium text-slate-900">{row.indicator.type}</div>
        <div className="break-all font-mono text-slate-700">{row.indicator.summary}</div>
        <div className="text-slate-500">{row.indicator.ownerName}</div>
      </>
    ),
  }),
  column.display({
    id: "stix",
    header: "STIX indicator in Sentinel",
    meta: { cellClassName: "text-xs" },
    cell: ({ row: { original: row } }) =>
      row.mapping.ok ? (
        <div className="space-y-1">
          <div className="break-all font-mono text-slate-800" data-testid="stix-pattern">
            {row.mapping.object.pattern}
          </div>
          <div className="text-slate-600">
            {row.mapping.object.name} · valid until {row.mapping.object.valid_until}
          </div>
          <details>
            <summary className="cursor-pointer text-brand-700">STIX JSON</summary>
            <pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-900 p-2 text-[11px] leading-snug text-slate-100">
              {JSON.stringify(row.mapping.object, null, 2)}
            </pre>
          </details>
        </div>
      ) : (
        <p role="alert" className="font-medium text-red-700">
          Cannot be mapped: {row.mapping.error.field}: {row.mapping.error.message}
        </p>
      ),
  }),
]);
const getPreviewRowId = (row: PreviewRow) => String(row.indicator.id);

/** What the first indicators of a query would become in Sentinel; nothing is sent. */
export function QueryPreview({ result, onClose }: { result: PreviewResult; onClose: () => void }) {
  if (!result.ok) {
    return (
      <div className="space-y-2">
        <Alert>ThreatConnect refused the query: {result.message}</Alert>
        <Button variant="ghost" onClick={onClose}>
          Close preview
        </Button>
      </div>
    );
  }
  const failures = result.rows.filter((row) => !row.mapping.ok).length;
  return (
    <section aria-label="Preview" data-testid="query-preview" className="rounded-md border border-slate-200 bg-white">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <p className="text-sm text-slate-700">
          Preview: first {result.rows.length}
          {result.total !== null ? ` of ${result.total}` : ""} indicators, as sent under{" "}
          <span className="font-medium">{result.sourcesystem}</span>
          {failures > 0 ? <span className="text-red-700"> · {failures} cannot be mapped</span> : null}. Nothing is sent.
        </p>
        <Button variant="ghost" onClick={onClose}>
          Close preview
        </Button>
      </header>
      <DataTable
        label="Indicators and the STIX objects they would become"
        columns={PREVIEW_COLUMNS}
        rows={result.rows}
        getRowId={getPreviewRowId}
        rowTestId="preview-row"
        rowClassName={(row) => (row.mapping.ok ? undefined : "bg-red-50")}
        isFramed={false}
        empty={<TableEmpty title="The query matches no indicators." />}
      />
    </section>
  );
}
