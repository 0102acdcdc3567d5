"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function OrganizationList() {
  const trpc = useTRPC();
  const { data: organizations } = useSuspenseQuery(trpc.organization.listMine.queryOptions());
  if (organizations.length === 0) {
    return (
      <EmptyState title="You are not in any organization yet">
        Create one below, or open the invitation link an admin sent you.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Organizations">
      {organizations.map((org) => (
        <li key={org.id}>
          <Link href={`/${org.slug}`} className="flex items-center justify-between px-4 py-3 hover:bg-slate-50">
            <span>
              <span className="font-medium text-slate-900">{org.name}</span>
              <span className="ml-2 text-sm text-slate-500">/{org.slug}</span>
            </span>
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium capitalize text-slate-700">
              {org.role}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
