import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPCContext } from "@/server/api/trpc";
import { appRouter } from "@/server/api/root";
import { describeErrorForLog } from "@/server/errors";
import { MAX_TRPC_BATCH_SIZE } from "@/lib/trpc-limits";

/** The route's handler, with the context builder passed in so tests can serve real HTTP without next-auth. */
export function createTrpcHandler(createContext: (headers: Headers) => Promise<TRPCContext>) {
  return function handler(request: Request) {
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      maxBatchSize: MAX_TRPC_BATCH_SIZE,
      createContext: () => createContext(request.headers),
      onError({ error, path }) {
        // Unexpected failures only; neither the input nor a failed query's parameters are logged: both can carry secrets.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          console.error(`[trpc] ${path ?? "?"}: ${describeErrorForLog(error.cause ?? error)}`);
        }
      },
    });
  };
}
