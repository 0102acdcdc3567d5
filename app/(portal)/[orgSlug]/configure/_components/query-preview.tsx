import { Alert, Button } from "@/app/_components/ui";
import type { PreviewResult } from "./configure-types";

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
      {result.rows.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">The query matches no indicators.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <thead className="bg-slate-50 uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2 font-medium">ThreatConnect indicator</th>
                <th className="px-3 py-2 font-medium">STIX indicator in Sentinel</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {result.rows.map(({ indicator, mapping }) => (
                <tr key={indicator.id} data-testid="preview-row" className={mapping.ok ? undefined : "bg-red-50"}>
                  <td className="w-1/3 px-3 py-2">
                    <div className="font-medium text-slate-900">{indicator.type}</div>
                    <div className="break-all font-mono text-slate-700">{indicator.summary}</div>
                    <div className="text-slate-500">{indicator.ownerName}</div>
                  </td>
                  <td className="px-3 py-2">
                    {mapping.ok ? (
                      <div className="space-y-1">
                        <div className="break-all font-mono text-slate-800" data-testid="stix-pattern">
                          {mapping.object.pattern}
                        </div>
                        <div className="text-slate-600">
                          {mapping.object.name} · valid until {mapping.object.valid_until}
                        </div>
                        <details>
                          <summary className="cursor-pointer text-brand-700">STIX JSON</summary>
                          <pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-900 p-2 text-[11px] leading-snug text-slate-100">
                            {JSON.stringify(mapping.object, null, 2)}
                          </pre>
                        </details>
                      </div>
                    ) : (
                      <p role="alert" className="font-medium text-red-700">
                        Cannot be mapped: {mapping.error.field}: {mapping.error.message}
                      </p>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
