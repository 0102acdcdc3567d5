import type { Metadata } from "next";
import { EmptyState, PageHeader } from "../../../_components/ui";

export const metadata: Metadata = { title: "Configure" };

export default function ConfigurePage() {
  return (
    <>
      <PageHeader title="Configure" description="Your Microsoft Sentinel services and the ordered TQL queries that choose which indicators they send." />
      <EmptyState title="Coming next">Services and queries are configured here once the CONFIGURE issue lands.</EmptyState>
    </>
  );
}
