import { TRPCError } from "@trpc/server";
import { createTRPCContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { errorsToCsv } from "@/server/reports";
import { errorFilterOf } from "../../../jobs/_components/dashboard-types";

const STATUS_BY_CODE: Partial<Record<TRPCError["code"], number>> = {
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
};

/**
 * The ERRORS report as CSV, through the same org-checked procedure as the table: an outsider, or a service or job
 * of another org, gets the same 404 as one that does not exist.
 */
export async function GET(request: Request, { params }: RouteContext<"/[orgSlug]/reports/errors/export">) {
  const { orgSlug } = await params;
  const caller = createCaller(await createTRPCContext({ headers: request.headers }));
  try {
    const rows = await caller.report.exportErrors(errorFilterOf(orgSlug, new URL(request.url).searchParams));
    return new Response(errorsToCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="errors-${orgSlug}-${new Date().toISOString().slice(0, 10)}.csv"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    const status = error instanceof TRPCError ? STATUS_BY_CODE[error.code] : undefined;
    if (!status) throw error;
    const message = status === 404 ? "Not found" : error instanceof Error ? error.message : "Bad request";
    return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
