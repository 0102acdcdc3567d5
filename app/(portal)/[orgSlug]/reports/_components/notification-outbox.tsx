"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { createDataColumnHelper, DataTable } from "@/app/_components/data-table";
import { LoadMoreFooter, useKeysetRows } from "@/app/_components/load-more";
import { TableEmpty } from "@/app/_components/table-parts";
import { Badge } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { NotificationDelivery } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/api/root";
import { nextCursorOf, outboxInput } from "../../jobs/_components/dashboard-types";
import { LocalTime } from "@/app/_components/local-time";

type NotificationPage = inferRouterOutputs<AppRouter>["notification"]["list"];
type NotificationRow = NotificationPage["items"][number] & { orgSlug: string };

const DELIVERY = {
  pending: { tone: "info", label: "Sending" },
  sent: { tone: "success", label: "Mailed" },
  failed: { tone: "danger", label: "Mail failed" },
  outbox: { tone: "neutral", label: "Outbox" },
} as const satisfies Record<NotificationDelivery, { tone: string; label: string }>;

const column = createDataColumnHelper<NotificationRow>();
const NOTIFICATION_COLUMNS = column.columns([
  column.display({
    id: "when",
    header: "When",
    meta: { cellClassName: "text-xs" },
    cell: ({ row: { original: notice } }) => <LocalTime date={notice.createdAt} withSeconds />,
  }),
  column.display({
    id: "notice",
    header: "Notice",
    meta: { cellClassName: "w-full" },
    cell: ({ row: { original: notice } }) => (
      <div className="space-y-1">
        <p className="flex flex-wrap items-center gap-2">
          <Badge tone={notice.kind === "failure" ? "danger" : "success"}>
            {notice.kind === "failure" ? "Failure" : "Recovery"}
          </Badge>
          <span className="font-medium text-slate-900">{notice.subject}</span>
        </p>
        <p className="whitespace-pre-line text-sm text-slate-700">{notice.body}</p>
        <p className="text-xs text-slate-500">
          To {notice.recipients.length > 0 ? notice.recipients.join(", ") : "nobody (the service lists no emails)"} ·{" "}
          <Link className="font-mono underline" href={`/${notice.orgSlug}/jobs/${notice.requestId}`}>
            {notice.requestId}
          </Link>
        </p>
        {notice.error ? <p className="text-xs text-red-800">{notice.error}</p> : null}
      </div>
    ),
  }),
  column.display({
    id: "delivery",
    header: "Delivery",
    cell: ({ row: { original: notice } }) => (
      <Badge tone={DELIVERY[notice.delivery].tone}>{DELIVERY[notice.delivery].label}</Badge>
    ),
  }),
]);

const itemsOf = (page: NotificationPage) => page.items;
const getNoticeId = (notice: NotificationRow) => notice.id;

export function NotificationOutbox({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const notices = useSuspenseInfiniteQuery(
    trpc.notification.list.infiniteQueryOptions(outboxInput(orgSlug), { getNextPageParam: nextCursorOf }),
  );
  const items = useKeysetRows(notices.data.pages, itemsOf);
  const rows = items.map((notice) => ({ ...notice, orgSlug }));
  return (
    <DataTable
      label="Notifications"
      columns={NOTIFICATION_COLUMNS}
      rows={rows}
      getRowId={getNoticeId}
      rowTestId="notification-row"
      empty={
        <TableEmpty title="No notices">
          A service that fails for good, or three jobs in a row, notifies its emails here; a recovery follows.
        </TableEmpty>
      }
      footer={<LoadMoreFooter paging={notices} shownCount={rows.length} />}
    />
  );
}
