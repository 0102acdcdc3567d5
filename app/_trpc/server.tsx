import "server-only";
import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from "@tanstack/react-query";
import type { TRPCClientErrorLike } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { createTRPCContext } from "@/server/api/context";
import { appRouter, type AppRouter } from "@/server/api/root";
import { makeQueryClient } from "./query-client";

const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors TRPCQueryOptions' own constraint
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T) {
  void getQueryClient().prefetchQuery(queryOptions);
}

/** Awaits the query on the server; NOT_FOUND (including another tenant's data) renders the 404 page. */
export async function fetchQueryOrNotFound<TData, TQueryKey extends QueryKey>(
  queryOptions: FetchQueryOptions<TData, TRPCClientErrorLike<AppRouter>, TData, TQueryKey>,
): Promise<TData> {
  try {
    return await getQueryClient().fetchQuery(queryOptions);
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
