"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { createDataColumnHelper, DataTable, type DataColumns } from "@/app/_components/data-table";
import { TableEmpty } from "@/app/_components/table-parts";
import { Badge } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RUN_MODE_LABELS, type ServiceSummary } from "./configure-types";

const column = createDataColumnHelper<ServiceSummary>();

function columnsFor(orgSlug: string): DataColumns<ServiceSummary> {
  return column.columns([
    column.accessor("name", {
      header: "Service",
      cell: ({ row }) => (
        <Link
          href={`/${orgSlug}/configure/services/${row.original.slug}`}
          className="font-medium text-brand-700 hover:underline"
        >
          {row.original.name}
        </Link>
      ),
    }),
    column.accessor("workspaceId", {
      header: "Workspace",
      meta: { cellClassName: "font-mono text-xs text-slate-600" },
    }),
    column.accessor("effectiveSourceName", { header: "Source in Sentinel", meta: { cellClassName: "text-slate-700" } }),
    column.accessor("isEnabled", {
      header: "Status",
      cell: ({ row }) => (row.original.isEnabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>),
    }),
    column.accessor("scheduleIntervalHours", {
      header: "Schedule",
      cell: ({ row }) => `Every ${row.original.scheduleIntervalHours} h`,
      meta: { cellClassName: "whitespace-nowrap text-slate-700" },
    }),
    column.accessor("nextRunMode", {
      header: "Next run",
      cell: ({ row }) => (
        <Badge tone={row.original.nextRunMode === "full" ? "warning" : "info"}>
          {RUN_MODE_LABELS[row.original.nextRunMode]}
        </Badge>
      ),
      meta: { cellClassName: "whitespace-nowrap" },
    }),
  ]);
}

const NO_SERVICES: ServiceSummary[] = [];
const getServiceId = (service: ServiceSummary) => service.id;

export function ServiceList({ orgSlug, canEdit }: { orgSlug: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const { data: services } = useSuspenseQuery(trpc.service.list.queryOptions({ orgSlug }));
  const columns = useMemo(() => columnsFor(orgSlug), [orgSlug]);
  return (
    <DataTable
      label="Services"
      columns={columns}
      rows={services}
      getRowId={getServiceId}
      rowTestId="service-row"
      empty={
        <TableEmpty title="No services yet">
          <p className="mx-auto max-w-xl">
            A service holds the Microsoft Sentinel workspace and app registration to send to, the ThreatConnect API user
            to read from, the schedule and the time to live of each indicator type. Its TQL queries then choose which
            indicators go.
          </p>
          {canEdit ? null : <p className="mt-2">An admin of this organization can create one.</p>}
        </TableEmpty>
      }
    />
  );
}

/** The list's shape while the services load, so the page does not jump when they arrive. */
export function ServiceListLoading({ orgSlug }: { orgSlug: string }) {
  const columns = useMemo(() => columnsFor(orgSlug), [orgSlug]);
  return (
    <DataTable label="Services" columns={columns} rows={NO_SERVICES} getRowId={getServiceId} empty={null} isLoading />
  );
}
