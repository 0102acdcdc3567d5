import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { env, isEntraSignInConfigured } from "@/env";
import { runtime } from "@/server/runtime";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { authorizeWithPassword } from "./authorize";
import { describeAuthErrorForLog } from "./log-redaction";

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

const { db } = runtime;

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
        const result = await authorizeWithPassword(runtime, raw, request.headers);
        if (result.ok) return result.user;
        if (result.reason === "throttled") throw new ThrottledSignIn(result.retryAfterSeconds);
        if (result.reason === "unavailable") throw new SignInUnavailable();
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
