"use client";

import { useMemo } from "react";
import { listErrorMessageOf } from "./table-parts";
import { Button } from "./ui";

/** The part of a useInfiniteQuery / useSuspenseInfiniteQuery result that paging needs. */
export type KeysetPaging = {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
};

/**
 * Every loaded page's rows as one array that keeps its identity until a page changes, which a table needs to
 * avoid rebuilding its rows on each render. `rowsOf` must be stable (module scope).
 */
export function useKeysetRows<TPage, TRow>(
  pages: readonly TPage[] | undefined,
  rowsOf: (page: TPage) => readonly TRow[],
) {
  return useMemo(() => (pages ?? []).flatMap(rowsOf), [pages, rowsOf]);
}

/**
 * "Load more" under a keyset-paged list: the server hands out the cursor, so there are no page numbers, and a
 * failed next page keeps the rows shown and offers to try again.
 */
export function LoadMoreFooter({ paging, shownCount }: { paging: KeysetPaging; shownCount: number }) {
  const failedNextPage = paging.isFetchNextPageError;
  if (!paging.hasNextPage && !failedNextPage) return null;
  return (
    <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 px-4 py-3">
      <Button variant="secondary" disabled={paging.isFetchingNextPage} onClick={() => void paging.fetchNextPage()}>
        {paging.isFetchingNextPage ? "Loading…" : failedNextPage ? "Try again" : "Load more"}
      </Button>
      <p aria-live="polite" className="text-sm text-slate-500">
        {failedNextPage ? (
          <span role="alert" className="text-red-700">
            {listErrorMessageOf(paging.error)}
          </span>
        ) : (
          `Showing ${shownCount}`
        )}
      </p>
    </div>
  );
}
