import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { PageHeader } from "@/app/_components/ui";
import { getQueryClient, HydrateClient, trpc } from "@/app/_trpc/server";
import { nextCursorOf, searchParamsOf, taskListInput } from "../jobs/_components/dashboard-types";
import { TableSkeleton } from "@/app/_components/table-parts";
import { TasksDashboard } from "./_components/tasks-dashboard";

export const metadata: Metadata = { title: "Tasks" };

export default async function TasksPage({ params, searchParams }: PageProps<"/[orgSlug]/tasks">) {
  const { orgSlug } = await params;
  const input = taskListInput(orgSlug, searchParamsOf(await searchParams));
  void getQueryClient().prefetchInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(input, { getNextPageParam: nextCursorOf }),
  );
  return (
    <>
      <PageHeader
        title="Tasks"
        description="Every step of every job (download pages, prepare, upload batches, finalize) and the daily cleaner: retries are separate attempts."
      />
      <HydrateClient>
        <QueryErrorBoundary>
          <Suspense fallback={<TableSkeleton label="Loading tasks" columnCount={6} rowCount={5} />}>
            <TasksDashboard orgSlug={orgSlug} />
          </Suspense>
        </QueryErrorBoundary>
      </HydrateClient>
    </>
  );
}
