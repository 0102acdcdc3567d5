import { PageHeader } from "@/app/_components/ui";
import { fetchQueryOrNotFound, trpc } from "@/app/_trpc/server";
import { ReportTabs } from "./_components/report-tabs";

export default async function ReportsLayout({ children, params }: LayoutProps<"/[orgSlug]/reports">) {
  const { orgSlug } = await params;
  // The same query as the org layout's, on the same per-request client: answered from its cache, not read again.
  const org = await fetchQueryOrNotFound(trpc.organization.bySlug.queryOptions({ orgSlug }));
  return (
    <>
      <PageHeader
        title="Reports"
        description="How the organization's syncs are doing: what reached Sentinel, what failed and why."
      />
      <ReportTabs orgSlug={orgSlug} role={org.myRole} />
      <div className="mt-6">{children}</div>
    </>
  );
}
