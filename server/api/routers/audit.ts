import { z } from "zod";
import { listAuditEntries } from "@/server/audit/list-audit-entries";
import { createTRPCRouter, orgProcedure } from "../trpc";

/** Every member may read the log: entries never hold secret values, only "set"/"replaced". */
export const auditRouter = createTRPCRouter({
  list: orgProcedure
    .input(
      z.object({
        limit: z
          .number("Limit must be a number")
          .int("Limit must be a whole number")
          .min(1, "Limit must be from 1 to 100")
          .max(100, "Limit must be from 1 to 100")
          .default(50),
        cursor: z.string("Cursor must be text").min(1, "Cursor must not be empty").optional(),
        targetId: z.string("Target id must be text").min(1, "Target id must not be empty").optional(),
      }),
    )
    .query(({ ctx, input }) => listAuditEntries(ctx.scope, input)),
});
