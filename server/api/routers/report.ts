import {
  errorFilterInput,
  exportErrors,
  getJobBreakdown,
  getOverview,
  listErrors,
  listErrorsInput,
  retryFailedRecords,
} from "@/server/reports";
import { jobByRequestIdInput } from "@/server/jobs/job-input";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

/** REPORTS: members read errors and the overview; admins queue the retry of failed records. */
export const reportRouter = createTRPCRouter({
  errors: orgProcedure.input(listErrorsInput).query(({ ctx, input }) => listErrors(ctx.scope, input)),

  /** The CSV route handler's source, so the export passes the same membership check as every list. */
  exportErrors: orgProcedure.input(errorFilterInput).query(({ ctx, input }) => exportErrors(ctx.scope, input)),

  retryFailedRecords: adminProcedure
    .input(errorFilterInput)
    .mutation(({ ctx, input }) => retryFailedRecords(ctx.scope, input)),

  overview: orgProcedure.query(({ ctx }) => getOverview(ctx.scope)),

  jobBreakdown: orgProcedure.input(jobByRequestIdInput).query(({ ctx, input }) => getJobBreakdown(ctx.scope, input)),
});
