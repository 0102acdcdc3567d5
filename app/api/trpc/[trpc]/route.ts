import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createTRPCContext } from "@/server/api/context";
import { appRouter } from "@/server/api/root";
import { describeErrorForLog } from "@/server/errors";

function handler(request: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: request.headers }),
    onError({ error, path }) {
      // Unexpected failures only; neither the input nor a failed query's parameters are logged: both can carry secrets.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(`[trpc] ${path ?? "?"}: ${describeErrorForLog(error.cause ?? error)}`);
      }
    },
  });
}

export { handler as GET, handler as POST };
