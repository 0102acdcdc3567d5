"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge, Card, EmptyState } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { Overview } from "../../jobs/_components/dashboard-types";
import { LocalTime } from "@/app/_components/local-time";
import { SUCCESS_RATE_LEGEND, successRates } from "./success-rate";

/** Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito). */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"];

/** Recharts wants one row per day with a key per type; the server already includes the days without sends. */
export function sentPerDayRows(overview: Pick<Overview, "sentPerDay" | "sentTypes">) {
  const rows = overview.sentPerDay.map((entry) => {
    const row: Record<string, number | string> = { day: entry.day };
    for (const type of overview.sentTypes) row[type] = entry.sent[type] ?? 0;
    return row;
  });
  return { types: overview.sentTypes, rows };
}

function SentPerDay({ overview }: { overview: Overview }) {
  const { types, rows } = sentPerDayRows(overview);
  if (types.length === 0) {
    return (
      <EmptyState title="Nothing sent yet">Indicators appear here once a job has sent them to Sentinel.</EmptyState>
    );
  }
  const total = rows.reduce((sum, row) => sum + types.reduce((daySum, type) => daySum + Number(row[type]), 0), 0);
  const revoked = overview.sentPerDay.reduce((sum, entry) => sum + entry.revoked, 0);
  return (
    <div>
      <p className="mb-2 text-sm text-slate-600">
        {total.toLocaleString()} sent and {revoked.toLocaleString()} revoked over the last {overview.days} days.
      </p>
      <div
        className="h-72"
        role="img"
        aria-label={`Indicators sent per day by type over the last ${overview.days} days`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} fontSize={12} />
            <YAxis allowDecimals={false} fontSize={12} />
            <Tooltip />
            <Legend />
            {types.map((type, index) => (
              <Bar key={type} dataKey={type} stackId="sent" fill={PALETTE[index % PALETTE.length]} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

function LivePerType({ overview }: { overview: Overview }) {
  if (overview.livePerType.length === 0) {
    return <EmptyState title="No live indicators">Nothing this organization sent is live in Sentinel.</EmptyState>;
  }
  const total = overview.livePerType.reduce((sum, row) => sum + row.count, 0);
  return (
    <div>
      <p className="mb-2 text-sm text-slate-600">{total.toLocaleString()} indicators live across all services.</p>
      <div className="h-64" role="img" aria-label="Indicators live in Sentinel per type">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={overview.livePerType} layout="vertical" margin={{ left: 24 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} fontSize={12} />
            <YAxis type="category" dataKey="type" width={110} fontSize={12} />
            <Tooltip />
            <Bar dataKey="count" name="Live" fill={PALETTE[0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="sr-only">
        {overview.livePerType.map((row) => (
          <li key={row.type}>
            {row.type}: {row.count}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ServiceHealthTable({ orgSlug, overview }: { orgSlug: string; overview: Overview }) {
  if (overview.services.length === 0) {
    return (
      <EmptyState title="No services">
        <Link className="underline" href={`/${orgSlug}/configure`}>
          Configure a service
        </Link>{" "}
        to start syncing.
      </EmptyState>
    );
  }
  return (
    <div>
      <table className="w-full text-left text-sm" aria-label="Services">
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-2 pr-4">Service</th>
            <th className="py-2 pr-4">Last successful sync</th>
            <th className="py-2 pr-4">
              <abbr title={SUCCESS_RATE_LEGEND} className="cursor-help">
                Success rate
              </abbr>{" "}
              ({overview.days} days)
            </th>
            <th className="py-2">Jobs</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {overview.services.map((service) => {
            const rate = successRates(service.outcomes);
            return (
              <tr key={service.serviceId} data-testid="service-health">
                <td className="py-3 pr-4 align-top">
                  <p className="font-medium text-slate-900">{service.name}</p>
                  {!service.isEnabled ? <Badge>Disabled</Badge> : null}
                </td>
                <td className="space-y-1 py-3 pr-4 align-top">
                  <p>{service.lastSucceededAt ? <LocalTime date={service.lastSucceededAt} /> : "Never"}</p>
                  {service.overdueSince ? (
                    <Badge tone="warning">Stale: a sync was due every {service.scheduleIntervalHours} h</Badge>
                  ) : null}
                  {service.failingSince ? <Badge tone="danger">Failing</Badge> : null}
                </td>
                <td className="py-3 pr-4 align-top">
                  {rate === null ? (
                    <span className="text-slate-400">no finished jobs</span>
                  ) : (
                    <div className="space-y-1">
                      <div className="flex items-center gap-2">
                        <div
                          role="meter"
                          aria-label={`Success rate of ${service.name}`}
                          aria-valuemin={0}
                          aria-valuemax={100}
                          aria-valuenow={rate.completedPercent}
                          title={SUCCESS_RATE_LEGEND}
                          className="flex h-2 w-32 overflow-hidden rounded-full bg-red-200"
                        >
                          <div className="h-full bg-green-600" style={{ width: `${rate.cleanPercent}%` }} />
                          <div
                            className="h-full bg-green-300"
                            style={{ width: `${rate.completedPercent - rate.cleanPercent}%` }}
                          />
                        </div>
                        <span className="tabular-nums">{rate.completedPercent}%</span>
                      </div>
                      <p className="text-xs text-slate-500">{rate.cleanPercent}% without refused records</p>
                    </div>
                  )}
                </td>
                <td className="py-3 align-top text-xs text-slate-600">
                  {service.outcomes.succeeded} succeeded · {service.outcomes.partially_succeeded} partial ·{" "}
                  {service.outcomes.failed} failed · {service.outcomes.cancelled} cancelled
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500">Success rate: {SUCCESS_RATE_LEGEND}</p>
    </div>
  );
}

export function OverviewCharts({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const { data: overview } = useSuspenseQuery(trpc.report.overview.queryOptions({ orgSlug }));
  return (
    <div className="space-y-6">
      <Card
        title="Services"
        description="Last successful sync, with a warning once the next was due, and job outcomes."
      >
        <ServiceHealthTable orgSlug={orgSlug} overview={overview} />
      </Card>
      <Card
        title="Indicators sent per day"
        description={`By type, over the last ${overview.days} days (UTC days; every object Sentinel accepted, counted on the day it was sent).`}
      >
        <SentPerDay overview={overview} />
      </Card>
      <Card title="Live in Sentinel" description="Sent, not revoked and not past their valid-until, per type.">
        <LivePerType overview={overview} />
      </Card>
    </div>
  );
}
