import { cancelJob, requestJob } from "@/server/jobs/jobs";
import { jobByRequestIdInput, listJobsInput, runJobInput } from "@/server/jobs/job-input";
import { getJob, listJobs } from "@/server/jobs/list-jobs";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

/** Admins start and stop jobs; every member watches them. */
export const jobRouter = createTRPCRouter({
  run: adminProcedure.input(runJobInput).mutation(async ({ ctx, input }) => {
    const { requestId } = await requestJob(ctx.scope, { ...input, trigger: "manual" });
    return { requestId };
  }),

  cancel: adminProcedure.input(jobByRequestIdInput).mutation(({ ctx, input }) => cancelJob(ctx.scope, input)),

  list: orgProcedure.input(listJobsInput).query(({ ctx, input }) => listJobs(ctx.scope, input)),

  get: orgProcedure.input(jobByRequestIdInput).query(({ ctx, input }) => getJob(ctx.scope, input)),
});
