import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { TableSkeleton } from "@/app/_components/table-parts";
import { OverviewCharts } from "./_components/overview-charts";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsOverviewPage({ params }: PageProps<"/[orgSlug]/reports">) {
  const { orgSlug } = await params;
  prefetch(trpc.report.overview.queryOptions({ orgSlug }));
  return (
    <HydrateClient>
      <QueryErrorBoundary>
        <Suspense fallback={<TableSkeleton label="Loading overview" columnCount={4} rowCount={5} />}>
          <OverviewCharts orgSlug={orgSlug} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
