/**
 * 1. CONTEXT — what every procedure receives. Built per request by `createTRPCContext` in ./context.ts, and
 *    directly by tests through `createCaller`.
 * 2. INITIALIZATION — `t` stays private; only the builders below leave this file.
 * 3. PROCEDURES — public → protected (signed in) → org (member of `orgSlug`) → role.
 * @see https://trpc.io/docs/server/authorization
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import type { Session } from "next-auth";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Database } from "@/db/client";
import { memberships, organizations } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import type { AppDependencies } from "../deps";
import { DomainError } from "../errors";

// 1. CONTEXT

export interface TRPCContext {
  db: Database;
  /** Configuration-built collaborators (credential cipher, endpoint overrides, clock); never request state. */
  deps: AppDependencies;
  session: Session | null;
  headers: Headers;
}

// 2. INITIALIZATION

export const UNEXPECTED_ERROR_MESSAGE =
  "Something went wrong on the server; try again, and tell an administrator if it persists";

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // tRPC would send an unexpected error's own message (and, in development, its stack): a failed query's
    // message lists its bound parameters, credential ciphertexts among them. The server log keeps the detail.
    if (error.code === "INTERNAL_SERVER_ERROR") {
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message: UNEXPECTED_ERROR_MESSAGE, data: { ...data, fieldErrors: null } };
    }
    const fieldErrors =
      cause instanceof ZodError
        ? z.flattenError(cause).fieldErrors
        : cause instanceof DomainError && cause.field
          ? { [cause.field]: [cause.message] }
          : null;
    return { ...shape, data: { ...shape.data, fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Expected domain failures keep their code and message; anything else stays an opaque 500. */
const mapDomainErrors = t.middleware(async function mapDomainErrors({ next }) {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

// 3. PROCEDURES

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const protectedProcedure = publicProcedure.use(function requireSession({ ctx, next }) {
  const user = ctx.session?.user;
  if (!user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { session: { ...ctx.session, user: { ...user, id: user.id } } } });
});

/**
 * Membership is checked here and nowhere else. An org the caller does not belong to answers NOT_FOUND, the
 * same as one that does not exist, so slugs of other tenants cannot be probed.
 */
export const orgProcedure = protectedProcedure
  .input(z.object({ orgSlug: z.string().min(1, "Organization is required") }))
  .use(async function requireOrgMember({ ctx, input, next }) {
    const [row] = await ctx.db
      .select({ org: organizations, membership: memberships })
      .from(organizations)
      .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, ctx.session.user.id)))
      .where(eq(organizations.slug, input.orgSlug));
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Organization not found" });
    return next({ ctx: { org: row.org, membership: row.membership } });
  });

const roleRank: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

export function hasRole(actual: Role, required: Role): boolean {
  return roleRank[actual] >= roleRank[required];
}

/** Use as `orgProcedure.use(requireRole("admin"))`; a higher role always satisfies a lower one. */
export function requireRole(required: Role) {
  return function requireRole<TResult>(opts: { ctx: { membership: { role: Role } }; next: () => TResult }): TResult {
    if (!hasRole(opts.ctx.membership.role, required)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Only ${required}s can do this` });
    }
    return opts.next();
  };
}

export const adminProcedure = orgProcedure.use(requireRole("admin"));
export const ownerProcedure = orgProcedure.use(requireRole("owner"));
