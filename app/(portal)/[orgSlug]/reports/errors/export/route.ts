import { createTRPCContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { errorsCsvResponse } from "./errors-csv-response";

export async function GET(request: Request, { params }: RouteContext<"/[orgSlug]/reports/errors/export">) {
  const { orgSlug } = await params;
  const caller = createCaller(await createTRPCContext({ headers: request.headers }));
  return errorsCsvResponse(caller, { orgSlug, url: new URL(request.url), now: new Date() });
}
