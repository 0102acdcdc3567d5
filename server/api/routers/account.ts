import { EmailTakenError, signUpInput, signUpWithPassword } from "@/server/auth/credentials";
import { DomainError } from "@/server/errors";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const accountRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    try {
      return await signUpWithPassword(ctx.db, input);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new DomainError("CONFLICT", error.message, "email");
      throw error;
    }
  }),
});
