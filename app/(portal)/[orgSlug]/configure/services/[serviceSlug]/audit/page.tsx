import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { TableSkeleton } from "@/app/_components/table-parts";
import { fetchQueryOrNotFound, getQueryClient, HydrateClient, trpc } from "@/app/_trpc/server";
import { AuditLog } from "@/app/(portal)/[orgSlug]/configure/_components/audit-log";
import { auditPageOf, nextAuditCursor } from "@/app/(portal)/[orgSlug]/configure/_components/configure-types";

export const metadata: Metadata = { title: "Service audit" };

export default async function ServiceAuditPage({
  params,
}: PageProps<"/[orgSlug]/configure/services/[serviceSlug]/audit">) {
  const { orgSlug, serviceSlug } = await params;
  const service = await fetchQueryOrNotFound(trpc.service.bySlug.queryOptions({ orgSlug, serviceSlug }));
  void getQueryClient().prefetchInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(auditPageOf(orgSlug, service.id), { getNextPageParam: nextAuditCursor }),
  );
  return (
    <HydrateClient>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="Audit log" columnCount={2} />}>
          <AuditLog orgSlug={orgSlug} serviceId={service.id} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
