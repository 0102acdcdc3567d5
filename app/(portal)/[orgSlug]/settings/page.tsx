import type { Metadata } from "next";
import { Suspense } from "react";
import { QueryErrorBoundary } from "@/app/_components/query-error-boundary";
import { Alert, PageHeader } from "@/app/_components/ui";
import { fetchQueryOrNotFound, prefetch, trpc } from "@/app/_trpc/server";
import { DangerZone } from "./_components/danger-zone";
import { Invitations } from "./_components/invitations";
import { Members } from "./_components/members";
import { RenameOrganization } from "./_components/rename-organization";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: PageProps<"/[orgSlug]/settings">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  if (org.myRole === "member") {
    return (
      <>
        <PageHeader title="Settings" />
        <div data-testid="admins-only">
          <Alert>Only admins and owners can manage organization settings. Ask an admin if you need a change.</Alert>
        </div>
      </>
    );
  }
  prefetch(trpc.member.list.queryOptions({ orgSlug }));
  prefetch(trpc.invitation.list.queryOptions({ orgSlug }));
  const loading = <p className="text-sm text-slate-500">Loading…</p>;
  return (
    <>
      <PageHeader title="Settings" description="Name, members and invitations of this organization." />
      <div className="space-y-6">
        <RenameOrganization orgSlug={orgSlug} currentName={org.name} />
        <QueryErrorBoundary>
          <Suspense fallback={loading}>
            <Members orgSlug={orgSlug} myRole={org.myRole} />
          </Suspense>
        </QueryErrorBoundary>
        <QueryErrorBoundary>
          <Suspense fallback={loading}>
            <Invitations orgSlug={orgSlug} myRole={org.myRole} />
          </Suspense>
        </QueryErrorBoundary>
        {org.myRole === "owner" ? <DangerZone orgSlug={orgSlug} /> : null}
      </div>
    </>
  );
}
