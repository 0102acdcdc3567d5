import { z } from "zod";
import { previewQueryInput, saveQueriesInput, validateQueryInput } from "@/server/services/query-input";
import { listQueries, previewQuery, saveQueries, validateQuery } from "@/server/services/queries";
import { serviceId } from "@/server/services/service-input";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

/** Validate and preview only read from ThreatConnect and send nothing, so members may use them too. */
export const queryRouter = createTRPCRouter({
  list: orgProcedure.input(z.object({ serviceId })).query(({ ctx, input }) => listQueries(ctx.scope, input)),

  save: adminProcedure.input(saveQueriesInput).mutation(({ ctx, input }) => saveQueries(ctx.scope, input)),

  validate: orgProcedure.input(validateQueryInput).mutation(({ ctx, input }) => validateQuery(ctx.scope, input)),

  preview: orgProcedure.input(previewQueryInput).mutation(({ ctx, input }) => previewQuery(ctx.scope, input)),
});
