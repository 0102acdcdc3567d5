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
  create: adminProcedure
    .input(createInvitationInput)
    .mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.membership, input)),

  list: adminProcedure.query(({ ctx }) => listInvitations(ctx.db, ctx.org.id)),

  revoke: adminProcedure
    .input(z.object({ invitationId: z.uuid("Invitation id must be a UUID") }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.membership, input.invitationId)),

  /** Public: the invitation page shows who invited you where before you sign in. */
  describe: publicProcedure.input(tokenInput).query(({ ctx, input }) => describeInvitation(ctx.db, input.token)),

  accept: protectedProcedure.input(tokenInput).mutation(({ ctx, input }) => {
    const { id, email } = ctx.session.user;
    if (!email) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "Your account has no email address, and invitations are accepted by the email they were sent to",
      );
    }
    return acceptInvitation(ctx.db, { id, email }, input.token);
  }),
});
