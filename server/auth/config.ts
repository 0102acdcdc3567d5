import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { z } from "zod";
import { env, isEntraSignInConfigured } from "@/env";
import { runtime } from "@/server/runtime";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { clientIp } from "./client-ip";
import { MAX_EMAIL_LENGTH, signInWithPassword } from "./credentials";
import { describeAuthErrorForLog } from "./log-redaction";
import { MAX_PASSWORD_LENGTH } from "@/lib/password-policy";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

/** The code travels in the sign-in redirect URL, so it carries only the wait, never why the attempt failed. */
class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled_${retryAfterSeconds}`;
  }
}

/** The throttle could not record the attempt, so it is refused rather than let through unrecorded. */
class SignInUnavailable extends CredentialsSignin {
  override code = "unavailable";
}

// Over-long values are refused before they reach the throttle or the password hash.
const credentialsInput = z.object({
  email: z.string().max(MAX_EMAIL_LENGTH),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});
const { db, deps } = runtime;

export const { handlers, auth, signIn, signOut } = NextAuth({
  adapter: DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  }),
  secret: env.AUTH_SECRET,
  trustHost: true,
  // Credentials sign-in only works with JWT sessions in Auth.js.
  session: { strategy: "jwt" },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  logger: {
    // A wrong password is an expected outcome, already throttled and shown to the user; not a server error.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      console.error(`[auth] ${describeAuthErrorForLog(error)}`);
    },
    warn(code) {
      console.warn(`[auth] warning ${code}`);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const ip = clientIp(request.headers, deps.trustedProxyHops);
        const result = await signInWithPassword(db, { ...parsed.data, ip }, deps.now()).catch((error: unknown) => {
          console.error(`[auth] sign-in refused, throttle unavailable: ${describeAuthErrorForLog(error)}`);
          throw new SignInUnavailable();
        });
        if (result.ok) return result.user;
        if (result.reason === "throttled") throw new ThrottledSignIn(result.retryAfterSeconds);
        return null;
      },
    }),
    ...(isEntraSignInConfigured
      ? [
          MicrosoftEntraID({
            clientId: env.AUTH_MICROSOFT_ENTRA_ID_ID,
            clientSecret: env.AUTH_MICROSOFT_ENTRA_ID_SECRET,
            issuer: env.AUTH_MICROSOFT_ENTRA_ID_ISSUER,
          }),
        ]
      : []),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
