import { z } from "zod";
import {
  createOrganization,
  createOrganizationInput,
  deleteOrganization,
  listMyOrganizations,
  orgNameSchema,
  renameOrganization,
} from "@/server/organizations/organizations";
import { adminProcedure, createTRPCRouter, orgProcedure, ownerProcedure, protectedProcedure } from "../trpc";

export const organizationRouter = createTRPCRouter({
  create: protectedProcedure
    .input(createOrganizationInput)
    .mutation(({ ctx, input }) => createOrganization(ctx.userScope, input)),

  listMine: protectedProcedure.query(({ ctx }) => listMyOrganizations(ctx.userScope)),

  bySlug: orgProcedure.query(({ ctx }) => ({
    id: ctx.org.id,
    slug: ctx.org.slug,
    name: ctx.org.name,
    myRole: ctx.membership.role,
  })),

  rename: adminProcedure
    .input(z.object({ name: orgNameSchema }))
    .mutation(({ ctx, input }) => renameOrganization(ctx.scope, input)),

  delete: ownerProcedure
    .input(z.object({ confirmSlug: z.string() }))
    .mutation(({ ctx, input }) => deleteOrganization(ctx.scope, input)),
});
