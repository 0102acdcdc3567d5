import { z } from "zod";
import { checkAzure, checkThreatConnect, listServiceOwners } from "@/server/services/connections";
import {
  createServiceInput,
  serviceId,
  testAzureInput,
  testThreatConnectInput,
  updateServiceInput,
} from "@/server/services/service-input";
import {
  createService,
  deleteService,
  getServiceViewBySlug,
  listServices,
  updateService,
} from "@/server/services/services";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

/** Members read everything but secrets (which no procedure returns); admins and owners change and test. */
export const serviceRouter = createTRPCRouter({
  list: orgProcedure.query(({ ctx }) => listServices(ctx.scope)),

  bySlug: orgProcedure
    .input(z.object({ serviceSlug: z.string().min(1, "Service is required") }))
    .query(({ ctx, input }) => getServiceViewBySlug(ctx.scope, input)),

  create: adminProcedure.input(createServiceInput).mutation(({ ctx, input }) => {
    const { orgSlug: _orgSlug, ...service } = input;
    return createService(ctx.scope, service);
  }),

  /** Secrets are optional fields here: a given one replaces the stored one, an absent one keeps it. */
  update: adminProcedure.input(updateServiceInput).mutation(({ ctx, input }) => {
    const { orgSlug: _orgSlug, ...update } = input;
    return updateService(ctx.scope, update);
  }),

  delete: adminProcedure.input(z.object({ serviceId })).mutation(({ ctx, input }) => deleteService(ctx.scope, input)),

  /** Uses the just-typed values, falling back to the saved service's for any left out; stores nothing. */
  testThreatConnect: adminProcedure
    .input(testThreatConnectInput)
    .mutation(({ ctx, input }) => checkThreatConnect(ctx.scope, input)),

  testAzure: adminProcedure.input(testAzureInput).mutation(({ ctx, input }) => checkAzure(ctx.scope, input)),

  owners: orgProcedure.input(z.object({ serviceId })).query(({ ctx, input }) => listServiceOwners(ctx.scope, input)),
});
