import type { Metadata } from "next";
import { Suspense } from "react";
import { AppHeader } from "../_components/app-header";
import { requireSession } from "../_components/require-session";
import { PageHeader } from "../_components/ui";
import { HydrateClient, prefetch, trpc } from "../_trpc/server";
import { CreateOrganizationForm } from "./_components/create-organization-form";
import { OrganizationList } from "./_components/organization-list";

export const metadata: Metadata = { title: "Organizations" };

export default async function OrganizationsPage() {
  const session = await requireSession("/orgs");
  prefetch(trpc.organization.listMine.queryOptions());
  return (
    <>
      <AppHeader email={session.user.email} />
      <main className="mx-auto max-w-3xl px-4 py-8">
        <PageHeader title="Your organizations" description="Pick an organization, or create one for your team." />
        <HydrateClient>
          <Suspense fallback={<p className="text-sm text-slate-500">Loading organizations…</p>}>
            <OrganizationList />
          </Suspense>
        </HydrateClient>
        <div className="mt-8">
          <CreateOrganizationForm />
        </div>
      </main>
    </>
  );
}
