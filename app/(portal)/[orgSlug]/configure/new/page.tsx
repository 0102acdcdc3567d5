import type { Metadata } from "next";
import Link from "next/link";
import { Alert, PageHeader } from "@/app/_components/ui";
import { fetchQueryOrNotFound, trpc } from "@/app/_trpc/server";
import { SERVICE_DEFAULTS } from "@/server/services/service-input";
import { sourceSystemFor } from "@/server/stix";
import { ServiceForm } from "../_components/service-form";

export const metadata: Metadata = { title: "New service" };

export default async function NewServicePage({ params }: PageProps<"/[orgSlug]/configure/new">) {
  const { orgSlug } = await params;
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  const back = (
    <Link href={`/${orgSlug}/configure`} className="text-sm font-medium text-brand-700 hover:underline">
      ← All services
    </Link>
  );
  if (org.myRole === "member") {
    return (
      <>
        {back}
        <PageHeader title="New service" />
        <Alert>Only admins and owners can create services. Ask an admin if you need one.</Alert>
      </>
    );
  }
  return (
    <>
      {back}
      <div className="mt-2">
        <PageHeader
          title="New service"
          description="Fill in the Microsoft Sentinel and ThreatConnect credentials, test both connections, then create the service and add its queries."
        />
      </div>
      <ServiceForm
        mode="create"
        orgSlug={orgSlug}
        sourceSystemPrefix={sourceSystemFor("")}
        defaults={{ ...SERVICE_DEFAULTS, ttlHours: { ...SERVICE_DEFAULTS.ttlHours } }}
      />
    </>
  );
}
