import Link from "next/link";
import { fetchQueryOrNotFound, HydrateClient, trpc } from "@/app/_trpc/server";
import { ReadOnlyNote } from "@/app/(portal)/[orgSlug]/configure/_components/read-only-note";
import { ServiceHeader } from "@/app/(portal)/[orgSlug]/configure/_components/service-header";
import { ServiceTabs } from "@/app/(portal)/[orgSlug]/configure/_components/service-tabs";

export default async function ServiceLayout({
  params,
  children,
}: LayoutProps<"/[orgSlug]/configure/services/[serviceSlug]">) {
  const { orgSlug, serviceSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  // Another org's service, or none, is the same 404.
  await fetchQueryOrNotFound(trpc.service.bySlug.queryOptions({ orgSlug, serviceSlug }));
  return (
    <HydrateClient>
      <Link href={`/${orgSlug}/configure`} className="text-sm font-medium text-brand-700 hover:underline">
        ← All services
      </Link>
      <ServiceHeader orgSlug={orgSlug} serviceSlug={serviceSlug} />
      {org.myRole === "member" ? <ReadOnlyNote /> : null}
      <ServiceTabs basePath={`/${orgSlug}/configure/services/${serviceSlug}`} />
      <div className="mt-6">{children}</div>
    </HydrateClient>
  );
}
