import { TRPCError } from "@trpc/server";
import type { createCaller } from "@/server/api/root";
import { errorsToCsv } from "@/server/reports";
import { errorFilterOf } from "../../../jobs/_components/dashboard-types";

type ReportCaller = { report: Pick<ReturnType<typeof createCaller>["report"], "exportErrors"> };

const STATUS_BY_CODE: Partial<Record<TRPCError["code"], number>> = {
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
};

/**
 * The ERRORS report as CSV, through the same org-checked procedure as the table: an outsider, or a service or job
 * of another org, gets the same 404 as one that does not exist. Apart from the route so tests can call it with a
 * caller of their own, without Next's request scope.
 */
export async function errorsCsvResponse(
  caller: ReportCaller,
  input: { orgSlug: string; url: URL; now: Date },
): Promise<Response> {
  try {
    const rows = await caller.report.exportErrors(errorFilterOf(input.orgSlug, input.url.searchParams));
    const day = input.now.toISOString().slice(0, 10);
    return new Response(errorsToCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="errors-${input.orgSlug}-${day}.csv"`,
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
