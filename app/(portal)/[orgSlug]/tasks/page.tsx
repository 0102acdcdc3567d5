import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/app/_components/ui";

export const metadata: Metadata = { title: "Tasks" };

export default function TasksPage() {
  return (
    <>
      <PageHeader
        title="Tasks"
        description="The steps of each job: downloads from ThreatConnect, uploads to Microsoft Sentinel, and maintenance tasks."
      />
      <EmptyState title="Coming next">This screen will show each job's tasks once the sync pipeline lands.</EmptyState>
    </>
  );
}
