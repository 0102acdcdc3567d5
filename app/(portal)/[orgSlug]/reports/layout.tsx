import { PageHeader } from "@/app/_components/ui";
import { ReportTabs } from "./_components/report-tabs";

export default async function ReportsLayout({ children, params }: LayoutProps<"/[orgSlug]/reports">) {
  const { orgSlug } = await params;
  return (
    <>
      <PageHeader
        title="Reports"
        description="How the organization's syncs are doing: what reached Sentinel, what failed and why."
      />
      <ReportTabs orgSlug={orgSlug} />
      <div className="mt-6">{children}</div>
    </>
  );
}
