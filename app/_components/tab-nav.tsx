"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "./ui";

const variants = {
  sections: {
    nav: "border-b border-slate-200 bg-white",
    list: "mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4",
    link: "inline-block border-b-2 px-3 py-3 text-sm font-medium uppercase tracking-wide",
    idle: "border-transparent text-slate-600 hover:text-slate-900",
  },
  tabs: {
    nav: "border-b border-slate-200",
    list: "flex gap-1",
    link: "-mb-px inline-block border-b-2 px-4 py-2 text-sm font-medium",
    idle: "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
  },
};

/**
 * Links shown as tabs, the current one marked with aria-current. `prefix` keeps a section active on its
 * sub-pages; `exact` is for tabs whose first URL is a prefix of the others'.
 */
export function TabNav({
  label,
  links,
  match,
  variant,
}: {
  label: string;
  links: { href: string; label: string }[];
  match: "exact" | "prefix";
  variant: keyof typeof variants;
}) {
  const pathname = usePathname();
  const styles = variants[variant];
  return (
    <nav aria-label={label} className={styles.nav}>
      <ul className={styles.list}>
        {links.map((link) => {
          const isActive = match === "exact" ? pathname === link.href : pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={isActive ? "page" : undefined}
                className={cn(styles.link, isActive ? "border-brand-600 text-brand-700" : styles.idle)}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
