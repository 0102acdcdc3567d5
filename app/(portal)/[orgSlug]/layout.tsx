import { AppHeader } from "@/app/_components/app-header";
import { requireSession } from "@/app/_components/require-session";
import { fetchQueryOrNotFound, HydrateClient, trpc } from "@/app/_trpc/server";
import { OrgNav } from "./_components/org-nav";

export default async function OrgLayout({ children, params }: LayoutProps<"/[orgSlug]">) {
  const { orgSlug } = await params;
  const session = await requireSession(`/${orgSlug}`);
  // Outsiders and unknown slugs both land on the 404 page: another tenant's org is indistinguishable from none.
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  return (
    <HydrateClient>
      <AppHeader email={session.user.email}>
        <span className="text-slate-300" aria-hidden>
          /
        </span>
        <span className="font-medium text-slate-800" data-testid="org-name">
          {org.name}
        </span>
      </AppHeader>
      <OrgNav orgSlug={orgSlug} isAdmin={org.myRole !== "member"} />
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </HydrateClient>
  );
}
