"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { TableEmpty } from "@/app/_components/table-parts";
import { Alert, buttonClassName, Card } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { isActiveJob, PHASE_LABELS, type JobDetail } from "./dashboard-types";
import { ErrorMessageCell, IndicatorCell } from "./error-cells";
import { CancelJobButton } from "./job-actions";
import { JobDuration, JobProgress } from "./job-progress";
import { LocalTime, useIsClient, useNow } from "@/app/_components/local-time";
import { noErrorsText } from "./job-text";
import { JobStatusBadge } from "./status-badge";
import { TaskTimeline } from "./task-timeline";
import { LIVE_REFRESH_MS } from "./jobs-dashboard";

type JobErrorRow = JobDetail["errors"][number] & { threatConnectBaseUrl: string | undefined };

const column = createDataColumnHelper<JobErrorRow>();
const ERROR_COLUMNS = column.columns([
  column.accessor("phase", {
    header: "Phase",
    cell: ({ row: { original: error } }) => PHASE_LABELS[error.phase],
  }),
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
  column.accessor("occurrences", { header: "Seen", meta: { cellClassName: "text-right" } }),
]);
const getErrorId = (error: JobErrorRow) => error.id;

const COUNT_LABELS: [keyof JobDetail["counts"], string][] = [
  ["fetched", "Fetched from ThreatConnect"],
  ["downloadRejected", "Unreadable in download"],
  ["duplicates", "Duplicates dropped"],
  ["unchanged", "Unchanged, skipped"],
  ["toSend", "To send"],
  ["keepAlive", "Kept alive"],
  ["sent", "Sent"],
  ["revoked", "Revoked"],
  ["rejected", "Rejected by Sentinel"],
  ["mappingErrors", "Mapping errors"],
  ["deleted", "Deleted in ThreatConnect"],
];

function TypeCounts({ title, rows }: { title: string; rows: { type: string; count: number }[] }) {
  return (
    <div>
      <h3 className="text-sm font-medium text-slate-700">{title}</h3>
      {rows.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">None.</p>
      ) : (
        <dl className="mt-1 grid grid-cols-[1fr_auto] gap-x-4 text-sm">
          {rows.map((row) => (
            <div key={row.type} className="contents">
              <dt className="text-slate-600">{row.type}</dt>
              <dd className="text-right tabular-nums">{row.count.toLocaleString()}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function JobDetailView({
  orgSlug,
  requestId,
  isAdmin,
}: {
  orgSlug: string;
  requestId: string;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const live = (query: { state: { data?: { status: JobDetail["status"] } } }) =>
    query.state.data && isActiveJob(query.state.data) ? LIVE_REFRESH_MS : false;
  const { data: job } = useSuspenseQuery({
    ...trpc.job.get.queryOptions({ orgSlug, requestId }),
    refetchInterval: live,
  });
  const { data: breakdown } = useSuspenseQuery({
    ...trpc.report.jobBreakdown.queryOptions({ orgSlug, requestId }),
    refetchInterval: isActiveJob(job) ? LIVE_REFRESH_MS * 5 : false,
  });
  const { data: services } = useSuspenseQuery(trpc.service.list.queryOptions({ orgSlug }));
  const service = services.find((candidate) => candidate.id === job.serviceId);
  const isClient = useIsClient();
  const now = useNow(job.status === "running" && isClient);
  const errors = job.errors.map((error) => ({ ...error, threatConnectBaseUrl: service?.threatConnectBaseUrl }));
  const emptyErrors = noErrorsText(job);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-1">
          <p className="text-sm text-slate-500">
            <Link href={`/${orgSlug}/jobs`} className="underline">
              Jobs
            </Link>{" "}
            / {service?.name ?? "Deleted service"}
          </p>
          <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight text-slate-900">
            <span className="font-mono">{job.requestId}</span> <JobStatusBadge status={job.status} />
          </h1>
          <p className="text-sm text-slate-600">
            {job.mode} update · {job.trigger}
            {job.attempt > 0 ? ` · restart ${job.attempt}` : ""}
            {job.restartOfRequestId ? (
              <>
                {" of "}
                <Link className="font-mono underline" href={`/${orgSlug}/jobs/${job.restartOfRequestId}`}>
                  {job.restartOfRequestId}
                </Link>
              </>
            ) : null}
          </p>
        </div>
        {isAdmin && isActiveJob(job) ? <CancelJobButton orgSlug={orgSlug} requestId={job.requestId} /> : null}
      </div>

      {job.error ? <Alert>{job.error}</Alert> : null}

      <div className="grid gap-4 md:grid-cols-3">
        <Card title="When">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Requested</dt>
            <dd>
              <LocalTime date={job.createdAt} withSeconds />
            </dd>
            <dt className="text-slate-500">Started</dt>
            <dd>{job.startedAt ? <LocalTime date={job.startedAt} withSeconds /> : "not yet"}</dd>
            <dt className="text-slate-500">Finished</dt>
            <dd>{job.finishedAt ? <LocalTime date={job.finishedAt} withSeconds /> : "—"}</dd>
            <dt className="text-slate-500">Duration</dt>
            <dd>
              <JobDuration job={job} />
            </dd>
            <dt className="text-slate-500">Phase</dt>
            <dd>{PHASE_LABELS[job.phase]}</dd>
          </dl>
          {job.status === "running" ? (
            <div className="mt-3">
              <JobProgress job={job} />
            </div>
          ) : null}
        </Card>
        <Card title="Counts">
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-0.5 text-sm" data-testid="job-counts">
            {COUNT_LABELS.map(([key, label]) => (
              <div key={key} className="contents">
                <dt className="text-slate-600">{label}</dt>
                <dd className="text-right tabular-nums">{job.counts[key].toLocaleString()}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="By indicator type">
          <div className="space-y-4">
            <TypeCounts title="Sent (latest send in this job)" rows={breakdown.sent} />
            <TypeCounts title="Errors" rows={breakdown.errors} />
          </div>
        </Card>
      </div>

      <Card
        title="Timeline"
        description={`${job.taskCount} task attempts${job.taskCount > job.tasks.length ? `, the first ${job.tasks.length} shown` : ""}.`}
        actions={
          <Link className={buttonClassName("secondary")} href={`/${orgSlug}/tasks?request=${job.requestId}`}>
            All tasks of this job
          </Link>
        }
      >
        <TaskTimeline tasks={job.tasks} now={now} />
      </Card>

      <Card
        title="Errors"
        description={`${job.errorCount} distinct errors${job.errorCount > job.errors.length ? `, the first ${job.errors.length} shown` : ""}.`}
        actions={
          <Link className={buttonClassName("secondary")} href={`/${orgSlug}/reports/errors?request=${job.requestId}`}>
            Open in Errors report
          </Link>
        }
      >
        <DataTable
          label="Errors of this job"
          columns={ERROR_COLUMNS}
          rows={errors}
          getRowId={getErrorId}
          isFramed={false}
          rowTestId="job-error"
          empty={<TableEmpty title={emptyErrors.title}>{emptyErrors.body}</TableEmpty>}
        />
      </Card>
    </div>
  );
}
