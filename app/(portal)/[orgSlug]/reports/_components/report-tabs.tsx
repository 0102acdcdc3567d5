import { TabNav } from "@/app/_components/tab-nav";

export function ReportTabs({ orgSlug }: { orgSlug: string }) {
  return (
    <TabNav
      label="Reports"
      variant="tabs"
      match="exact"
      links={[
        { href: `/${orgSlug}/reports`, label: "Overview" },
        { href: `/${orgSlug}/reports/errors`, label: "Errors" },
        { href: `/${orgSlug}/reports/notifications`, label: "Notifications" },
      ]}
    />
  );
}
