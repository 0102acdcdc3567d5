"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { Badge } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { RUN_MODE_LABELS } from "./configure-types";

export function ServiceHeader({ orgSlug, serviceSlug }: { orgSlug: string; serviceSlug: string }) {
  const trpc = useTRPC();
  const { data: service } = useSuspenseQuery(trpc.service.bySlug.queryOptions({ orgSlug, serviceSlug }));
  return (
    <div className="mb-4 mt-2 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{service.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          Sends to workspace <span className="font-mono text-xs">{service.workspaceId}</span> as{" "}
          <span className="font-medium text-slate-800">{service.effectiveSourceName}</span>, every{" "}
          {service.scheduleIntervalHours} h.
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        {service.isEnabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
        <span data-testid="next-run-mode">
          <Badge tone={service.nextRunMode === "full" ? "warning" : "info"}>
            Next run: {RUN_MODE_LABELS[service.nextRunMode]}
          </Badge>
        </span>
      </div>
    </div>
  );
}
