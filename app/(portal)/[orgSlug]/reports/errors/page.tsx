import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { fetchQueryOrNotFound, getQueryClient, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { errorListInput, nextCursorOf, searchParamsOf } from "../../jobs/_components/dashboard-types";
import { TableSkeleton } from "@/app/_components/table-parts";
import { ErrorsReport } from "../_components/errors-report";

export const metadata: Metadata = { title: "Errors" };

export default async function ErrorsPage({ params, searchParams }: PageProps<"/[orgSlug]/reports/errors">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  prefetch(trpc.service.list.queryOptions({ orgSlug }));
  void getQueryClient().prefetchInfiniteQuery(
    trpc.report.errors.infiniteQueryOptions(errorListInput(orgSlug, searchParamsOf(await searchParams)), {
      getNextPageParam: nextCursorOf,
    }),
  );
  return (
    <HydrateClient>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="Loading errors" columnCount={6} rowCount={5} />}>
          <ErrorsReport orgSlug={orgSlug} isAdmin={org.myRole !== "member"} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
