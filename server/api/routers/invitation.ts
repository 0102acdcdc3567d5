import { z } from "zod";
import {
  acceptInvitation,
  createInvitation,
  createInvitationInput,
  describeInvitation,
  listInvitations,
  revokeInvitation,
} from "@/server/organizations/invitations";
import { DomainError } from "@/server/errors";
import { adminProcedure, createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

const tokenInput = z.object({ token: z.string().min(20, "Invitation link is incomplete").max(200) });

export const invitationRouter = createTRPCRouter({
  create: adminProcedure.input(createInvitationInput).mutation(({ ctx, input }) => createInvitation(ctx.scope, input)),

  list: adminProcedure.query(({ ctx }) => listInvitations(ctx.scope)),

  revoke: adminProcedure
    .input(z.object({ invitationId: z.uuid("Invitation id must be a UUID") }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.scope, input)),

  /** Public: the invitation page shows who invited you where before you sign in. */
  describe: publicProcedure.input(tokenInput).query(({ ctx, input }) => describeInvitation(ctx, input)),

  accept: protectedProcedure.input(tokenInput).mutation(({ ctx, input }) => {
    const { email } = ctx.session.user;
    if (!email) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "Your account has no email address, and invitations are accepted by the email they were sent to",
      );
    }
    return acceptInvitation(ctx.userScope, { token: input.token, email });
  }),
});
