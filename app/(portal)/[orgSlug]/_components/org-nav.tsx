"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "../../../_components/ui";

const sections = [
  { path: "configure", label: "Configure" },
  { path: "jobs", label: "Jobs" },
  { path: "tasks", label: "Tasks" },
  { path: "reports", label: "Reports" },
];

export function OrgNav({ orgSlug, isAdmin }: { orgSlug: string; isAdmin: boolean }) {
  const pathname = usePathname();
  const items = isAdmin ? [...sections, { path: "settings", label: "Settings" }] : sections;
  return (
    <nav aria-label="Organization" className="border-b border-slate-200 bg-white">
      <ul className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4">
        {items.map((item) => {
          const href = `/${orgSlug}/${item.path}`;
          const isActive = pathname.startsWith(href);
          return (
            <li key={item.path}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "inline-block border-b-2 px-3 py-3 text-sm font-medium uppercase tracking-wide",
                  isActive
                    ? "border-brand-600 text-brand-700"
                    : "border-transparent text-slate-600 hover:text-slate-900",
                )}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
