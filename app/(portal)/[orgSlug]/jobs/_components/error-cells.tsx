import { threatConnectLink } from "./dashboard-types";

const SOURCE_LABELS = { threatconnect: "ThreatConnect", sentinel: "Sentinel", mapping: "Mapping" } as const;

/** The ThreatConnect indicator an error names: type, value, owner, and its id linked to ThreatConnect. */
export function IndicatorCell({
  error,
  threatConnectBaseUrl,
}: {
  error: {
    indicatorId: string | null;
    indicatorType: string | null;
    indicatorValue: string | null;
    ownerName: string | null;
  };
  threatConnectBaseUrl: string | undefined;
}) {
  if (!error.indicatorId && !error.indicatorValue) return <span className="text-slate-400">no indicator</span>;
  const link = threatConnectLink(threatConnectBaseUrl, error.indicatorId);
  return (
    <div className="max-w-xs space-y-0.5">
      <p className="break-all font-mono text-xs text-slate-900">{error.indicatorValue ?? "—"}</p>
      <p className="text-xs text-slate-500">
        {error.indicatorType ?? "Unknown type"}
        {error.ownerName ? ` · ${error.ownerName}` : ""}
        {error.indicatorId ? (
          <>
            {" · "}
            {link ? (
              <a href={link} target="_blank" rel="noreferrer noopener" className="text-brand-700 underline">
                #{error.indicatorId}
                <span className="sr-only"> in ThreatConnect (opens a new tab)</span>
              </a>
            ) : (
              `#${error.indicatorId}`
            )}
          </>
        ) : null}
      </p>
    </div>
  );
}

export function ErrorMessageCell({
  error,
}: {
  error: { source: keyof typeof SOURCE_LABELS; message: string; field: string | null };
}) {
  return (
    <div className="max-w-md">
      <p className="text-xs font-medium text-slate-500">
        {SOURCE_LABELS[error.source]}
        {error.field ? ` · ${error.field}` : ""}
      </p>
      <p className="break-words text-sm text-slate-800">{error.message}</p>
    </div>
  );
}
