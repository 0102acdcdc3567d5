"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";

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
 * A list's filters kept in the URL, so a filtered view survives a reload and can be linked to. Changing one
 * replaces the history entry: stepping back leaves the page rather than undoing each tick of a checkbox.
 * `keys` must keep its identity (a module-scope array), or the values are recomputed on every render.
 */
export function useUrlFilters<TKey extends string>(keys: readonly TKey[]) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const values = useMemo(() => filtersFromSearchParams(searchParams, keys), [searchParams, keys]);
  const navigate = (search: string) => router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false });
  return {
    values,
    set: (key: TKey, next: readonly string[]) =>
      navigate(searchWithFilter(new URLSearchParams(searchParams.toString()), key, next)),
    clear: () => {
      const next = new URLSearchParams(searchParams.toString());
      for (const key of keys) next.delete(key);
      navigate(next.toString());
    },
    isFiltered: keys.some((key) => values[key].length > 0),
  };
}
