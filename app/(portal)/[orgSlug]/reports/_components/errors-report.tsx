"use client";

import { useMutation, useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { FilterBar, MultiSelectFilter, TextFilter } from "@/app/_components/filter-bar";
import { LoadMoreFooter, useKeysetRows } from "@/app/_components/load-more";
import { TableEmpty } from "@/app/_components/table-parts";
import { Alert, Button, buttonClassName, Dialog } from "@/app/_components/ui";
import { useUrlFilters } from "@/app/_components/url-filters";
import { useTRPC } from "@/app/_trpc/client";
import { JOB_PHASES } from "@/lib/vocabulary";
import {
  ERROR_FILTER_KEYS,
  errorFilterOf,
  errorListInput,
  nextCursorOf,
  PHASE_LABELS,
  type ErrorItem,
  type ErrorPage,
} from "../../jobs/_components/dashboard-types";
import { ErrorMessageCell, IndicatorCell } from "../../jobs/_components/error-cells";
import { ServiceFilter } from "../../jobs/_components/job-filters";
import { LocalTime } from "@/app/_components/local-time";

const PHASE_OPTIONS = JOB_PHASES.filter((phase) => phase !== "queued" && phase !== "done").map((phase) => ({
  value: phase,
  label: PHASE_LABELS[phase],
}));

type ErrorRow = ErrorItem & { orgSlug: string; threatConnectBaseUrl: string | undefined };

const column = createDataColumnHelper<ErrorRow>();
const ERROR_COLUMNS = column.columns([
  column.display({
    id: "job",
    header: "Request id",
    meta: { cellClassName: "whitespace-nowrap font-mono text-xs" },
    cell: ({ row: { original: error } }) => (
      <div>
        <Link
          className="text-brand-700 underline-offset-2 hover:underline"
          href={`/${error.orgSlug}/jobs/${error.requestId}`}
        >
          {error.requestId}
        </Link>
        <p className="font-sans text-slate-500">{error.serviceName}</p>
      </div>
    ),
  }),
  column.accessor("phase", { header: "Phase", cell: ({ row: { original: error } }) => PHASE_LABELS[error.phase] }),
  column.display({
    id: "indicator",
    header: "Indicator",
    cell: ({ row: { original: error } }) => (
      <IndicatorCell error={error} threatConnectBaseUrl={error.threatConnectBaseUrl} />
    ),
  }),
  column.display({
    id: "message",
    header: "Message",
    cell: ({ row: { original: error } }) => <ErrorMessageCell error={error} />,
  }),
  column.display({
    id: "seen",
    header: "First · last seen",
    meta: { cellClassName: "text-xs" },
    cell: ({ row: { original: error } }) => (
      <div className="space-y-0.5">
        <LocalTime date={error.firstSeenAt} withSeconds />
        <br />
        <LocalTime date={error.lastSeenAt} withSeconds />
      </div>
    ),
  }),
  column.accessor("occurrences", { header: "Times", meta: { cellClassName: "text-right tabular-nums" } }),
]);

const itemsOf = (page: ErrorPage) => page.items;
const getErrorId = (error: ErrorRow) => error.id;

/** Queues a delta job per service for just the indicators the filtered errors name, after a confirmation. */
function RetryFailedRecords({ filter }: { filter: ReturnType<typeof errorFilterOf> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isConfirming, setIsConfirming] = useState(false);
  const retry = useMutation(
    trpc.report.retryFailedRecords.mutationOptions({
      onSuccess: () => {
        setIsConfirming(false);
        return queryClient.invalidateQueries(trpc.job.list.pathFilter());
      },
    }),
  );
  return (
    <>
      <Button variant="secondary" onClick={() => setIsConfirming(true)}>
        Retry failed records
      </Button>
      {retry.isSuccess ? (
        <Alert tone="success">
          Queued{" "}
          {retry.data.jobs.map((job, index) => (
            <span key={job.requestId}>
              {index > 0 ? ", " : ""}
              <Link className="font-mono underline" href={`/${filter.orgSlug}/jobs/${job.requestId}`}>
                {job.requestId}
              </Link>{" "}
              ({job.indicatorCount} indicators)
            </span>
          ))}
          .
        </Alert>
      ) : null}
      {isConfirming ? (
        <Dialog
          title="Retry failed records?"
          description="A delta update is queued for each service, downloading only the ThreatConnect indicators named by the errors these filters show."
          onClose={() => setIsConfirming(false)}
          footer={
            <>
              <Button variant="secondary" autoFocus onClick={() => setIsConfirming(false)}>
                Not now
              </Button>
              <Button disabled={retry.isPending} onClick={() => retry.mutate(filter)}>
                {retry.isPending ? "Queueing…" : "Queue retry"}
              </Button>
            </>
          }
        >
          {retry.isError ? <Alert>{retry.error.message}</Alert> : null}
        </Dialog>
      ) : null}
    </>
  );
}

export function ErrorsReport({ orgSlug, isAdmin }: { orgSlug: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const filters = useUrlFilters(ERROR_FILTER_KEYS);
  const params = useMemo(
    () => ({ getAll: (key: string) => filters.values[key as keyof typeof filters.values] ?? [] }),
    [filters.values],
  );
  const filter = useMemo(() => errorFilterOf(orgSlug, params), [orgSlug, params]);
  const { data: services } = useSuspenseQuery(trpc.service.list.queryOptions({ orgSlug }));
  const errors = useSuspenseInfiniteQuery(
    trpc.report.errors.infiniteQueryOptions(errorListInput(orgSlug, params), { getNextPageParam: nextCursorOf }),
  );
  const items = useKeysetRows(errors.data.pages, itemsOf);
  const rows = useMemo(() => {
    const baseUrls = new Map(services.map((service) => [service.id, service.threatConnectBaseUrl]));
    return items.map((error) => ({ ...error, orgSlug, threatConnectBaseUrl: baseUrls.get(error.serviceId) }));
  }, [items, services, orgSlug]);
  const exportSearch = new URLSearchParams();
  for (const key of ERROR_FILTER_KEYS) for (const value of filters.values[key]) exportSearch.append(key, value);
  const exportHref = `/${orgSlug}/reports/errors/export${exportSearch.size > 0 ? `?${exportSearch}` : ""}`;
  const { values, set } = filters;
  return (
    <div className="space-y-3">
      <FilterBar label="Filter errors" isFiltered={filters.isFiltered} onClear={filters.clear}>
        <ServiceFilter services={services} value={values.service[0] ?? ""} onChange={(id) => set("service", [id])} />
        <MultiSelectFilter
          label="Phase"
          options={PHASE_OPTIONS}
          selected={values.phase}
          onChange={(next) => set("phase", next)}
        />
        <TextFilter
          label="Job request id"
          value={values.request[0] ?? ""}
          placeholder="Exact request id"
          onCommit={(requestId) => set("request", [requestId])}
        />
      </FilterBar>
      <div className="flex flex-wrap items-center gap-2">
        <a className={buttonClassName("secondary")} href={exportHref} download>
          Export CSV
        </a>
        {isAdmin && rows.length > 0 ? <RetryFailedRecords filter={filter} /> : null}
      </div>
      <DataTable
        label="Errors"
        columns={ERROR_COLUMNS}
        rows={rows}
        getRowId={getErrorId}
        rowTestId="error-row"
        error={errors.isRefetchError ? errors.error : undefined}
        onRetry={() => void errors.refetch()}
        empty={
          filters.isFiltered ? (
            <TableEmpty title="No errors match these filters">Clear a filter to see more.</TableEmpty>
          ) : (
            <TableEmpty title="No errors">
              Records ThreatConnect could not give, the mapping could not convert or Sentinel refused appear here.
            </TableEmpty>
          )
        }
        footer={<LoadMoreFooter paging={errors} shownCount={rows.length} />}
      />
    </div>
  );
}
