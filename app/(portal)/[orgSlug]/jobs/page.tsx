import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { PageHeader } from "@/app/_components/ui";
import { fetchQueryOrNotFound, getQueryClient, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { jobListInput, nextCursorOf, searchParamsOf } from "./_components/dashboard-types";
import { JobsDashboard } from "./_components/jobs-dashboard";
import { TableSkeleton } from "@/app/_components/table-parts";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage({ params, searchParams }: PageProps<"/[orgSlug]/jobs">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  const input = jobListInput(orgSlug, searchParamsOf(await searchParams));
  prefetch(trpc.service.list.queryOptions({ orgSlug }));
  void getQueryClient().prefetchInfiniteQuery(
    trpc.job.list.infiniteQueryOptions(input, { getNextPageParam: nextCursorOf }),
  );
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Every scheduled, saved or manual update of the organization's services: newest first, live while running."
      />
      <HydrateClient>
        <QueryErrorBoundary>
          <Suspense fallback={<TableSkeleton label="Loading jobs" columnCount={6} rowCount={5} />}>
            <JobsDashboard orgSlug={orgSlug} isAdmin={org.myRole !== "member"} />
          </Suspense>
        </QueryErrorBoundary>
      </HydrateClient>
    </>
  );
}
