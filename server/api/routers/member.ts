import { z } from "zod";
import { ROLES } from "@/lib/vocabulary";
import { changeMemberRole, listMembers, removeMember } from "@/server/organizations/members";
import { adminProcedure, createTRPCRouter, orgProcedure } from "../trpc";

const membershipId = z.uuid("Member id must be a UUID");

export const memberRouter = createTRPCRouter({
  list: orgProcedure.query(({ ctx }) => listMembers(ctx.scope)),

  changeRole: adminProcedure
    .input(z.object({ membershipId, role: z.enum(ROLES, "Role must be owner, admin or member") }))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.scope, input)),

  /** Members may remove themselves (leave); the domain check decides who may remove whom. */
  remove: orgProcedure.input(z.object({ membershipId })).mutation(({ ctx, input }) => removeMember(ctx.scope, input)),
});
