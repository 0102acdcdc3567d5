/**
 * 1. CONTEXT — what every procedure receives. Built per request by `createTRPCContext` in ./context.ts, and
 *    directly by tests through `createCaller`.
 * 2. INITIALIZATION — `t` stays private; only the builders below leave this file. Expected failures
 *    (DomainError, IntegrationError) become client errors here and nowhere else.
 * 3. PROCEDURES — public → protected (signed in; `ctx.userScope`) → org (member of `orgSlug`; `ctx.scope`) → role.
 *    Routers hand the scope to the domain verb: `verb(ctx.scope, input)`.
 * @see https://trpc.io/docs/server/authorization
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import type { Session } from "next-auth";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Database } from "@/db/client";
import { memberships, organizations } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import type { AppDependencies } from "../deps";
import { DomainError, IntegrationError } from "../errors";
import type { PersonScope, Scope } from "../scope";

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
        : (cause instanceof DomainError || cause instanceof IntegrationError) && cause.field
          ? { [cause.field]: [cause.message] }
          : null;
    return { ...shape, data: { ...shape.data, fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * ThreatConnect or Sentinel refused: never our 500. A named field means the typed input was wrong; a stated wait
 * means try again later; another retryable failure is a temporary outage; the rest need the service's
 * configuration changed first.
 */
function trpcCodeOfIntegrationError(error: IntegrationError): TRPC_ERROR_CODE_KEY {
  if (error.field) return "BAD_REQUEST";
  if (error.retryAfterMs !== undefined) return "TOO_MANY_REQUESTS";
  if (error.retryable) return "TIMEOUT";
  return "PRECONDITION_FAILED";
}

/** Expected failures keep their message (and field); anything else stays an opaque 500. */
const mapExpectedErrors = t.middleware(async function mapExpectedErrors({ next }) {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  if (cause instanceof IntegrationError) {
    throw new TRPCError({ code: trpcCodeOfIntegrationError(cause), message: cause.message, cause });
  }
  return result;
});

/** The path of the first string holding U+0000, which Postgres text cannot store; null when there is none. */
function pathOfNulCharacter(input: unknown): string | null {
  const pending: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  for (let visited = 0; pending.length > 0 && visited < 100_000; visited += 1) {
    const { value, path } = pending.pop() as { value: unknown; path: string[] };
    if (typeof value === "string" && value.includes("\u0000")) return path.join(".");
    if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) pending.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/** Refused up front, naming the field: otherwise the string reaches a query and fails there as a 500. */
const refuseNulCharacters = t.middleware(async function refuseNulCharacters({ getRawInput, next }) {
  const path = pathOfNulCharacter(await getRawInput());
  if (path !== null) {
    throw new DomainError("BAD_REQUEST", "Text must not contain the NUL character (\\u0000)", path || undefined);
  }
  return next();
});

// 3. PROCEDURES

export const publicProcedure = t.procedure.use(mapExpectedErrors).use(refuseNulCharacters);

export const protectedProcedure = publicProcedure.use(function requireSession({ ctx, next }) {
  const user = ctx.session?.user;
  if (!user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  const userScope: PersonScope = { db: ctx.db, deps: ctx.deps, actorUserId: user.id };
  return next({ ctx: { session: { ...ctx.session, user: { ...user, id: user.id } }, userScope } });
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
    const scope: Scope = { ...ctx.userScope, orgId: row.org.id };
    return next({ ctx: { org: row.org, membership: row.membership, scope } });
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
