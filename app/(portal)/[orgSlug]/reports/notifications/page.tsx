import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { fetchQueryOrNotFound, getQueryClient, HydrateClient, trpc } from "@/app/_trpc/server";
import { nextCursorOf, outboxInput } from "../../jobs/_components/dashboard-types";
import { TableSkeleton } from "@/app/_components/table-parts";
import { NotificationOutbox } from "../_components/notification-outbox";
import { canReadOutbox } from "../_components/report-links";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage({ params }: PageProps<"/[orgSlug]/reports/notifications">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  // The procedure refuses members too; the page answers as if it did not exist, as the tab is not shown to them.
  if (!canReadOutbox(org.myRole)) notFound();
  void getQueryClient().prefetchInfiniteQuery(
    trpc.notification.list.infiniteQueryOptions(outboxInput(orgSlug), { getNextPageParam: nextCursorOf }),
  );
  return (
    <HydrateClient>
      <p className="mb-3 text-sm text-slate-600">
        Notices to each service&apos;s notification emails. Without an SMTP server (SMTP_URL) they are kept here only.
      </p>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="Loading notifications" columnCount={3} rowCount={5} />}>
          <NotificationOutbox orgSlug={orgSlug} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
