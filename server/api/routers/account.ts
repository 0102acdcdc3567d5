import { clientIp } from "@/server/auth/client-ip";
import { signUpInput, signUpWithPassword } from "@/server/auth/credentials";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const accountRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => {
    const ip = clientIp(ctx.headers, ctx.deps.trustedProxyHops);
    return signUpWithPassword({ db: ctx.db, deps: ctx.deps }, { ...input, ip });
  }),
});
