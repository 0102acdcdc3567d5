import type { Metadata } from "next";
import { fetchQueryOrNotFound, trpc } from "@/app/_trpc/server";
import { sourceSystemFor } from "@/server/stix";
import { ServiceForm } from "@/app/(portal)/[orgSlug]/configure/_components/service-form";

export const metadata: Metadata = { title: "Service settings" };

export default async function ServiceSettingsPage({
  params,
}: PageProps<"/[orgSlug]/configure/services/[serviceSlug]/settings">) {
  const { orgSlug, serviceSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  const service = await fetchQueryOrNotFound(trpc.service.bySlug.queryOptions({ orgSlug, serviceSlug }));
  return (
    <ServiceForm
      key={service.id}
      mode="edit"
      orgSlug={orgSlug}
      sourceSystemPrefix={sourceSystemFor("")}
      service={service}
      canEdit={org.myRole !== "member"}
    />
  );
}
