import { TRPCError } from "@trpc/server";
import { clientIp } from "@/server/auth/client-ip";
import { EmailTakenError, SignUpThrottledError, signUpInput, signUpWithPassword } from "@/server/auth/credentials";
import { DomainError } from "@/server/errors";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const accountRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    const ip = clientIp(ctx.headers, ctx.deps.trustedProxyHops);
    try {
      return await signUpWithPassword(ctx.db, { ...input, ip }, ctx.deps.now());
    } catch (error) {
      if (error instanceof EmailTakenError) throw new DomainError("CONFLICT", error.message, "email");
      if (error instanceof SignUpThrottledError)
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message });
      throw error;
    }
  }),
});
