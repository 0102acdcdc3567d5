"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { FilterBar, MultiSelectFilter, TextFilter } from "@/app/_components/filter-bar";
import { LoadMoreFooter, useKeysetRows } from "@/app/_components/load-more";
import { TableEmpty } from "@/app/_components/table-parts";
import { useUrlFilters } from "@/app/_components/url-filters";
import { useTRPC } from "@/app/_trpc/client";
import { TASK_KINDS, TASK_STATUSES } from "@/lib/vocabulary";
import {
  formatDuration,
  nextCursorOf,
  TASK_FILTER_KEYS,
  TASK_KIND_LABELS,
  TASK_STATUS_LABELS,
  taskListInput,
  type TaskItem,
  type TaskPage,
} from "../../jobs/_components/dashboard-types";
import { LIVE_REFRESH_MS } from "../../jobs/_components/jobs-dashboard";
import { LocalTime } from "@/app/_components/local-time";
import { TaskStatusBadge } from "../../jobs/_components/status-badge";

const KIND_OPTIONS = TASK_KINDS.map((kind) => ({ value: kind, label: TASK_KIND_LABELS[kind] }));
const STATUS_OPTIONS = TASK_STATUSES.map((status) => ({ value: status, label: TASK_STATUS_LABELS[status] }));

type TaskRow = TaskItem & { orgSlug: string };

function countsText(counts: Record<string, number> | null): string {
  if (!counts) return "";
  return Object.entries(counts)
    .map(([key, value]) => (key === "throttleWaitMs" ? `throttle wait ${formatDuration(value)}` : `${key} ${value}`))
    .join(" · ");
}

const column = createDataColumnHelper<TaskRow>();
const TASK_COLUMNS = column.columns([
  column.accessor("label", {
    header: "Task",
    cell: ({ row: { original: task } }) => (
      <div>
        <p className="font-medium text-slate-900">{task.label}</p>
        <p className="text-xs text-slate-500">{TASK_KIND_LABELS[task.kind]}</p>
      </div>
    ),
  }),
  column.display({
    id: "status",
    header: "Status",
    cell: ({ row: { original: task } }) => <TaskStatusBadge status={task.status} />,
  }),
  column.display({
    id: "job",
    header: "Job",
    meta: { cellClassName: "whitespace-nowrap font-mono text-xs" },
    cell: ({ row: { original: task } }) =>
      task.requestId ? (
        <Link
          className="text-brand-700 underline-offset-2 hover:underline"
          href={`/${task.orgSlug}/jobs/${task.requestId}`}
        >
          {task.requestId}
        </Link>
      ) : (
        <span className="font-sans text-slate-500">system</span>
      ),
  }),
  column.accessor("attempt", {
    header: "Attempt",
    meta: { cellClassName: "text-right" },
    cell: ({ row: { original: task } }) => task.attempt + 1,
  }),
  column.display({
    id: "started",
    header: "Started",
    meta: { cellClassName: "text-xs" },
    cell: ({ row: { original: task } }) => <LocalTime date={task.startedAt} withSeconds />,
  }),
  column.display({
    id: "duration",
    header: "Duration",
    meta: { cellClassName: "whitespace-nowrap text-xs" },
    cell: ({ row: { original: task } }) =>
      task.finishedAt ? formatDuration(task.finishedAt.getTime() - task.startedAt.getTime()) : "running",
  }),
  column.display({
    id: "outcome",
    header: "Counts · error",
    meta: { cellClassName: "max-w-md text-xs" },
    cell: ({ row: { original: task } }) => (
      <div className="space-y-1">
        <p className="text-slate-600">{countsText(task.counts)}</p>
        {task.error ? <p className="break-words text-red-800">{task.error}</p> : null}
      </div>
    ),
  }),
]);

const itemsOf = (page: TaskPage) => page.items;
const getTaskId = (task: TaskRow) => task.id;

export function TasksDashboard({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const filters = useUrlFilters(TASK_FILTER_KEYS);
  const input = useMemo(
    () => taskListInput(orgSlug, { getAll: (key) => filters.values[key as keyof typeof filters.values] ?? [] }),
    [orgSlug, filters.values],
  );
  const tasks = useSuspenseInfiniteQuery({
    ...trpc.task.list.infiniteQueryOptions(input, { getNextPageParam: nextCursorOf }),
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((task) => task.status === "running"))
        ? LIVE_REFRESH_MS
        : false,
  });
  const items = useKeysetRows(tasks.data.pages, itemsOf);
  const rows = useMemo(() => items.map((task) => ({ ...task, orgSlug })), [items, orgSlug]);
  const { values, set } = filters;
  return (
    <div>
      <FilterBar label="Filter tasks" isFiltered={filters.isFiltered} onClear={filters.clear}>
        <MultiSelectFilter
          label="Kind"
          options={KIND_OPTIONS}
          selected={values.kind}
          onChange={(next) => set("kind", next)}
        />
        <MultiSelectFilter
          label="Status"
          options={STATUS_OPTIONS}
          selected={values.status}
          onChange={(next) => set("status", next)}
        />
        <TextFilter
          label="Job request id"
          value={values.request[0] ?? ""}
          placeholder="Exact request id"
          onCommit={(requestId) => set("request", [requestId])}
        />
      </FilterBar>
      <DataTable
        label="Tasks"
        columns={TASK_COLUMNS}
        rows={rows}
        getRowId={getTaskId}
        rowTestId="task-row"
        error={tasks.isRefetchError ? tasks.error : undefined}
        onRetry={() => void tasks.refetch()}
        empty={
          filters.isFiltered ? (
            <TableEmpty title="No tasks match these filters">Clear a filter to see more.</TableEmpty>
          ) : (
            <TableEmpty title="No tasks yet">
              Every download page, prepare, upload batch and finalize of a job, and each run of the daily cleaner,
              appears here.
            </TableEmpty>
          )
        }
        footer={<LoadMoreFooter paging={tasks} shownCount={rows.length} />}
      />
    </div>
  );
}
