import { createServer } from "node:http";
import { serve } from "inngest/node";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";

/**
 * The app's Inngest endpoint in a process of its own, so a drill can kill -9 it mid-job: the same client and
 * functions `app/api/inngest/route.ts` serves, built from the environment exactly as the portal builds them
 * (`env.ts`, `server/runtime.ts`), on 127.0.0.1:`APP_SERVER_PORT`. The scheduler is left out: it would start jobs for
 * every other test's services in the shared scratch database. Started by `spawnApp` in `app-process.ts`.
 */
const port = Number(process.env.APP_SERVER_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error("APP_SERVER_PORT must be a port number");

const handler = serve({ client: inngest, functions: functions.filter((fn) => fn.opts.id !== "schedule-due-jobs") });
const server = createServer((request, response) => {
  if (request.url?.startsWith("/api/inngest")) return void handler(request, response);
  response.writeHead(404).end();
});
server.listen(port, "127.0.0.1", () => console.log(`[app-server] listening on http://127.0.0.1:${port}/api/inngest`));
