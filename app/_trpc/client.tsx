"use client";

import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink, loggerLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState } from "react";
import superjson from "superjson";
import { MAX_TRPC_BATCH_SIZE } from "@/lib/trpc-limits";
import type { AppRouter } from "@/server/api/root";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient() {
  // The server needs a client per request; the browser keeps one for the page's lifetime.
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Logs only failures, and never inputs: they can carry credentials.
        loggerLink({
          enabled: (op) => op.direction === "down" && op.result instanceof Error,
          logger: (op) => {
            if (op.direction === "down" && op.result instanceof Error)
              console.error(`[trpc] ${op.path}: ${op.result.message}`);
          },
        }),
        httpBatchStreamLink({ transformer: superjson, url: "/api/trpc", maxItems: MAX_TRPC_BATCH_SIZE }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
