import { z } from "zod";
import { previewQueryInput, saveQueriesInput, validateQueryInput } from "@/server/services/query-input";
import { listQueries, previewQuery, saveQueries, validateQuery } from "@/server/services/queries";
import { serviceId } from "@/server/services/service-input";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

/** Validate and preview only read from ThreatConnect and send nothing, so members may use them too. */
export const queryRouter = createTRPCRouter({
  list: orgProcedure
    .input(z.object({ serviceId }))
    .query(({ ctx, input }) => listQueries(ctx.db, ctx.org.id, input.serviceId)),

  save: adminProcedure.input(saveQueriesInput).mutation(({ ctx, input }) => saveQueries(ctx.db, ctx.membership, input)),

  validate: orgProcedure
    .input(validateQueryInput)
    .mutation(({ ctx, input }) => validateQuery(ctx.db, ctx.deps, ctx.org.id, input)),

  preview: orgProcedure
    .input(previewQueryInput)
    .mutation(({ ctx, input }) => previewQuery(ctx.db, ctx.deps, ctx.org.id, input)),
});
