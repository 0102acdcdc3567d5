"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../../../../_components/ui";

const tabs = [
  { suffix: "", label: "Queries" },
  { suffix: "/settings", label: "Settings" },
  { suffix: "/audit", label: "Audit" },
];

/** Each tab is its own URL, so a tab can be linked to and survives a reload. */
export function ServiceTabs({ basePath }: { basePath: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Service" className="border-b border-slate-200">
      <ul className="flex gap-1">
        {tabs.map((tab) => {
          const href = `${basePath}${tab.suffix}`;
          const isActive = pathname === href;
          return (
            <li key={tab.label}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "-mb-px inline-block border-b-2 px-4 py-2 text-sm font-medium",
                  isActive
                    ? "border-brand-600 text-brand-700"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
