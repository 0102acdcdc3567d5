import { TabNav } from "@/app/_components/tab-nav";

const sections = [
  { path: "configure", label: "Configure" },
  { path: "jobs", label: "Jobs" },
  { path: "tasks", label: "Tasks" },
  { path: "reports", label: "Reports" },
];

export function OrgNav({ orgSlug, isAdmin }: { orgSlug: string; isAdmin: boolean }) {
  const items = isAdmin ? [...sections, { path: "settings", label: "Settings" }] : sections;
  return (
    <TabNav
      label="Organization"
      variant="sections"
      match="prefix"
      links={items.map((item) => ({ href: `/${orgSlug}/${item.path}`, label: item.label }))}
    />
  );
}
