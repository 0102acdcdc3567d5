"use client";

import { useSuspenseInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { LoadMoreFooter, useKeysetRows } from "@/app/_components/load-more";
import { HiddenHeader, TableEmpty } from "@/app/_components/table-parts";
import { useUrlFilters } from "@/app/_components/url-filters";
import { useTRPC } from "@/app/_trpc/client";
import {
  isActiveJob,
  JOB_FILTER_KEYS,
  jobListInput,
  nextCursorOf,
  type JobItem,
  type JobPage,
} from "./dashboard-types";
import { CancelJobButton, RunNow } from "./job-actions";
import { JobFilters } from "./job-filters";
import { JobDuration, JobProgress } from "./job-progress";
import { LocalTime } from "@/app/_components/local-time";
import { JobStatusBadge } from "./status-badge";

/** How often a list with a queued or running job asks again; finished lists do not poll. */
export const LIVE_REFRESH_MS = 2000;

type JobRow = JobItem & { serviceName: string; orgSlug: string; canCancel: boolean };

const column = createDataColumnHelper<JobRow>();
const JOB_COLUMNS = column.columns([
  column.accessor("requestId", {
    header: "Request id",
    meta: { cellClassName: "whitespace-nowrap font-mono text-xs" },
    cell: ({ row: { original: job } }) => (
      <Link
        className="text-brand-700 underline-offset-2 hover:underline"
        href={`/${job.orgSlug}/jobs/${job.requestId}`}
      >
        {job.requestId}
      </Link>
    ),
  }),
  column.accessor("serviceName", { header: "Service" }),
  column.display({
    id: "run",
    header: "Mode · trigger",
    meta: { cellClassName: "whitespace-nowrap" },
    cell: ({ row: { original: job } }) => (
      <span>
        {job.mode} <span className="text-slate-500">· {job.trigger}</span>
      </span>
    ),
  }),
  column.display({
    id: "status",
    header: "Status",
    cell: ({ row: { original: job } }) => (
      <div className="space-y-2">
        <JobStatusBadge status={job.status} />
        {job.status === "running" ? <JobProgress job={job} /> : null}
      </div>
    ),
  }),
  column.display({
    id: "counts",
    header: "Counts",
    meta: { cellClassName: "whitespace-nowrap text-xs text-slate-600" },
    cell: ({ row: { original: job } }) => (
      <dl className="grid grid-cols-[auto_auto] gap-x-2">
        <dt>Fetched</dt>
        <dd className="text-right">{job.counts.fetched.toLocaleString()}</dd>
        <dt>Sent</dt>
        <dd className="text-right">{job.counts.sent.toLocaleString()}</dd>
        <dt>Revoked</dt>
        <dd className="text-right">{job.counts.revoked.toLocaleString()}</dd>
        <dt>Rejected</dt>
        <dd className="text-right">{(job.counts.rejected + job.counts.mappingErrors).toLocaleString()}</dd>
      </dl>
    ),
  }),
  column.display({
    id: "started",
    header: "Started",
    meta: { cellClassName: "text-xs" },
    cell: ({ row: { original: job } }) =>
      job.startedAt ? <LocalTime date={job.startedAt} /> : <span className="text-slate-400">not yet</span>,
  }),
  column.display({
    id: "duration",
    header: "Duration",
    meta: { cellClassName: "whitespace-nowrap text-xs" },
    cell: ({ row: { original: job } }) => <JobDuration job={job} />,
  }),
  column.display({
    id: "actions",
    header: () => <HiddenHeader>Actions</HiddenHeader>,
    cell: ({ row: { original: job } }) =>
      job.canCancel ? <CancelJobButton orgSlug={job.orgSlug} requestId={job.requestId} /> : null,
  }),
]);

const itemsOf = (page: JobPage) => page.items;
const getJobId = (job: JobRow) => job.requestId;

export function JobsDashboard({ orgSlug, isAdmin }: { orgSlug: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const filters = useUrlFilters(JOB_FILTER_KEYS);
  const { data: services } = useSuspenseQuery(trpc.service.list.queryOptions({ orgSlug }));
  const input = useMemo(
    () => jobListInput(orgSlug, { getAll: (key) => filters.values[key as keyof typeof filters.values] ?? [] }),
    [orgSlug, filters.values],
  );
  const jobs = useSuspenseInfiniteQuery({
    ...trpc.job.list.infiniteQueryOptions(input, { getNextPageParam: nextCursorOf }),
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some(isActiveJob)) ? LIVE_REFRESH_MS : false,
  });
  const items = useKeysetRows(jobs.data.pages, itemsOf);
  const rows = useMemo(() => {
    const names = new Map(services.map((service) => [service.id, service.name]));
    return items.map((job) => ({
      ...job,
      orgSlug,
      serviceName: names.get(job.serviceId) ?? "Deleted service",
      canCancel: isAdmin && isActiveJob(job),
    }));
  }, [items, services, orgSlug, isAdmin]);
  return (
    <div className="space-y-4">
      {isAdmin ? <RunNow orgSlug={orgSlug} services={services} /> : null}
      <JobFilters filters={filters} services={services} />
      <DataTable
        label="Jobs"
        columns={JOB_COLUMNS}
        rows={rows}
        getRowId={getJobId}
        rowTestId="job-row"
        error={jobs.isRefetchError ? jobs.error : undefined}
        onRetry={() => void jobs.refetch()}
        empty={
          filters.isFiltered ? (
            <TableEmpty title="No jobs match these filters">Clear a filter to see more.</TableEmpty>
          ) : (
            <TableEmpty title="No jobs yet">
              Jobs appear here when a service runs on its schedule, after Save and Run, or with Run now.
            </TableEmpty>
          )
        }
        footer={<LoadMoreFooter paging={jobs} shownCount={rows.length} />}
      />
    </div>
  );
}
