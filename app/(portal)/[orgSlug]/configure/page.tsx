import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { buttonClassName, PageHeader } from "@/app/_components/ui";
import { fetchQueryOrNotFound, HydrateClient, prefetch, trpc } from "@/app/_trpc/server";
import { ReadOnlyNote } from "./_components/read-only-note";
import { ServiceList, ServiceListLoading } from "./_components/service-list";

export const metadata: Metadata = { title: "Configure" };

export default async function ConfigurePage({ params }: PageProps<"/[orgSlug]/configure">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  const canEdit = org.myRole !== "member";
  prefetch(trpc.service.list.queryOptions({ orgSlug }));
  return (
    <HydrateClient>
      <PageHeader
        title="Configure"
        description="Each service sends the indicators its ordered TQL queries select from one ThreatConnect organization to one Microsoft Sentinel workspace."
        actions={
          canEdit ? (
            <Link href={`/${orgSlug}/configure/new`} className={buttonClassName("primary")}>
              New service
            </Link>
          ) : null
        }
      />
      {canEdit ? null : <ReadOnlyNote />}
      <QueryErrorBoundary>
        <Suspense fallback={<ServiceListLoading orgSlug={orgSlug} />}>
          <ServiceList orgSlug={orgSlug} canEdit={canEdit} />
        </Suspense>
      </QueryErrorBoundary>
    </HydrateClient>
  );
}
