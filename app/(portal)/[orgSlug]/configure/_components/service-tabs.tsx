import { TabNav } from "@/app/_components/tab-nav";

const tabs = [
  { suffix: "", label: "Queries" },
  { suffix: "/settings", label: "Settings" },
  { suffix: "/audit", label: "Audit" },
];

/** Each tab is its own URL, so a tab can be linked to and survives a reload. */
export function ServiceTabs({ basePath }: { basePath: string }) {
  return (
    <TabNav
      label="Service"
      variant="tabs"
      match="exact"
      links={tabs.map((tab) => ({ href: `${basePath}${tab.suffix}`, label: tab.label }))}
    />
  );
}
