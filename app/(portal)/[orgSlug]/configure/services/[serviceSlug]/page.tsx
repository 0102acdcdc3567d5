import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { TableSkeleton } from "@/app/_components/table-parts";
import { fetchQueryOrNotFound, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { QueriesEditor } from "@/app/(portal)/[orgSlug]/configure/_components/queries-editor";

export const metadata: Metadata = { title: "Service queries" };

export default async function ServiceQueriesPage({ params }: PageProps<"/[orgSlug]/configure/services/[serviceSlug]">) {
  const { orgSlug, serviceSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  const service = await fetchQueryOrNotFound(trpc.service.bySlug.queryOptions({ orgSlug, serviceSlug }));
  prefetch(trpc.query.list.queryOptions({ orgSlug, serviceId: service.id }));
  return (
    <HydrateClient>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="TQL queries" columnCount={6} />}>
          <QueriesEditor orgSlug={orgSlug} serviceId={service.id} canEdit={org.myRole !== "member"} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
