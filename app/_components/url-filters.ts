"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";

/** Each filter is a URL parameter that may repeat (`?status=running&status=failed`); absent means "all". */
export type FilterValues<TKey extends string> = Record<TKey, string[]>;

export function filtersFromSearchParams<TKey extends string>(
  params: Pick<URLSearchParams, "getAll">,
  keys: readonly TKey[],
): FilterValues<TKey> {
  return Object.fromEntries(keys.map((key) => [key, params.getAll(key).filter(Boolean)])) as FilterValues<TKey>;
}

/** The query string with one filter replaced (every other parameter kept), without a leading "?". */
export function searchWithFilter(params: URLSearchParams, key: string, values: readonly string[]): string {
  const next = new URLSearchParams(params);
  next.delete(key);
  for (const value of values.map((candidate) => candidate.trim())) if (value !== "") next.append(key, value);
  return next.toString();
}

/**
 * A filter change on its way to the URL: `to` is the query string asked for, `from` the ones the router may still
 * show meanwhile (where it started, and earlier changes it has not reached yet).
 */
export type PendingSearch = { from: string[]; to: string };

/** The query string the filters stand at: the latest change asked for while the router is still on its way to it. */
export function effectiveSearch(pending: PendingSearch | null, committed: string): string {
  return pending?.from.includes(committed) ? pending.to : committed;
}

/** A further change asked for: a second click before the first reached the URL must build on the first, not undo it. */
export function pendingAfter(pending: PendingSearch | null, committed: string, next: string): PendingSearch {
  const current = effectiveSearch(pending, committed);
  const from = pending?.from.includes(committed) ? pending.from : [committed];
  return { from: from.includes(current) ? from : [...from, current], to: next };
}

/**
 * A list's filters kept in the URL, so a filtered view survives a reload and can be linked to. Changing one
 * replaces the history entry: stepping back leaves the page rather than undoing each tick of a checkbox. The
 * values follow a change at once, before the router has committed it, so quick successive changes all count.
 * `keys` must keep its identity (a module-scope array), or the values are recomputed on every render.
 */
export function useUrlFilters<TKey extends string>(keys: readonly TKey[]) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const committed = searchParams.toString();
  const [pending, setPending] = useState<PendingSearch | null>(null);
  const search = effectiveSearch(pending, committed);
  useEffect(() => {
    if (pending && !pending.from.includes(committed)) setPending(null);
  }, [pending, committed]);
  const values = useMemo(() => filtersFromSearchParams(new URLSearchParams(search), keys), [search, keys]);
  const navigate = (next: string) => {
    setPending(pendingAfter(pending, committed, next));
    router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
  };
  return {
    values,
    set: (key: TKey, next: readonly string[]) => navigate(searchWithFilter(new URLSearchParams(search), key, next)),
    clear: () => {
      const next = new URLSearchParams(search);
      for (const key of keys) next.delete(key);
      navigate(next.toString());
    },
    isFiltered: keys.some((key) => values[key].length > 0),
  };
}
