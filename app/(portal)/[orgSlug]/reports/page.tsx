import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Reports" };

export default function ReportsPage() {
  return (
    <>
      <PageHeader title="Reports" description="Errors that occurred for job requests." />
      <EmptyState title="Coming next">This screen will show the ERRORS report once the sync pipeline lands.</EmptyState>
    </>
  );
}
