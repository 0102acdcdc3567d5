import { TabNav } from "@/app/_components/tab-nav";
import type { Role } from "@/lib/vocabulary";
import { reportLinks } from "./report-links";

export function ReportTabs({ orgSlug, role }: { orgSlug: string; role: Role }) {
  return <TabNav label="Reports" variant="tabs" match="exact" links={reportLinks(orgSlug, role)} />;
}
