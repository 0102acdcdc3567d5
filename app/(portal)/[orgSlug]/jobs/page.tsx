import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return (
    <>
      <PageHeader title="Jobs" description="Every scheduled or manual sync run, its status and request id." />
      <EmptyState title="Coming next">
        This screen will list sync jobs with status and request-id filters once the sync pipeline lands.
      </EmptyState>
    </>
  );
}
