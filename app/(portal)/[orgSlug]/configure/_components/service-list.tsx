"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge, EmptyState } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RUN_MODE_LABELS } from "./configure-types";

export function ServiceList({ orgSlug, canEdit }: { orgSlug: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const { data: services } = useSuspenseQuery(trpc.service.list.queryOptions({ orgSlug }));

  if (services.length === 0) {
    return (
      <EmptyState title="No services yet">
        <p className="mx-auto max-w-xl">
          A service holds the Microsoft Sentinel workspace and app registration to send to, the ThreatConnect API user
          to read from, the schedule and the time to live of each indicator type. Its TQL queries then choose which
          indicators go.
        </p>
        {canEdit ? null : <p className="mt-2">An admin of this organization can create one.</p>}
      </EmptyState>
    );
  }

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-3 font-medium">Service</th>
            <th className="px-4 py-3 font-medium">Workspace</th>
            <th className="px-4 py-3 font-medium">Source in Sentinel</th>
            <th className="px-4 py-3 font-medium">Status</th>
            <th className="px-4 py-3 font-medium">Schedule</th>
            <th className="px-4 py-3 font-medium">Next run</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {services.map((service) => (
            <tr key={service.id} data-testid="service-row" className="hover:bg-slate-50">
              <td className="px-4 py-3">
                <Link
                  href={`/${orgSlug}/configure/services/${service.slug}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {service.name}
                </Link>
              </td>
              <td className="px-4 py-3 font-mono text-xs text-slate-600">{service.workspaceId}</td>
              <td className="px-4 py-3 text-slate-700">{service.effectiveSourceName}</td>
              <td className="px-4 py-3">
                {service.isEnabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-700">Every {service.scheduleIntervalHours} h</td>
              <td className="whitespace-nowrap px-4 py-3">
                <Badge tone={service.nextRunMode === "full" ? "warning" : "info"}>
                  {RUN_MODE_LABELS[service.nextRunMode]}
                </Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
