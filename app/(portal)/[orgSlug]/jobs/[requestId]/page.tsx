import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { fetchQueryOrNotFound, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { JobDetailView } from "../_components/job-detail";
import { TableSkeleton } from "@/app/_components/table-parts";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: PageProps<"/[orgSlug]/jobs/[requestId]">) {
  const { orgSlug, requestId } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  // Another org's request id, a malformed one and an unknown one all render the same 404.
  if (!/^[0-9A-Za-z]{1,10}$/.test(requestId)) notFound();
  await fetchQueryOrNotFound(trpc.job.get.queryOptions({ orgSlug, requestId }));
  prefetch(trpc.report.jobBreakdown.queryOptions({ orgSlug, requestId }));
  prefetch(trpc.service.list.queryOptions({ orgSlug }));
  return (
    <HydrateClient>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="Loading job" columnCount={6} rowCount={5} />}>
          <JobDetailView orgSlug={orgSlug} requestId={requestId} isAdmin={org.myRole !== "member"} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
