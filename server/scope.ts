import type { DatabaseOrTransaction } from "@/db/client";
import type { AppDependencies } from "./deps";

/**
 * What every domain verb receives first: `verb(scope, input)`. Requests build it in `orgProcedure`, Inngest
 * functions build it from `runtime`, so both run the same code with the same collaborators.
 */
export interface Scope {
  db: DatabaseOrTransaction;
  deps: AppDependencies;
  /** The organization whose rows the verb may touch; every org-owned read filters by it. */
  orgId: string;
  /** Who acts, for the audit log; null for the system (schedules, the cleaner, seeds, maintenance). */
  actorUserId: string | null;
}

/** Verbs that act before any organization is chosen (sign-up, creating an org, accepting an invitation). */
export type UserScope = Omit<Scope, "orgId">;

/** A scope whose actor is a signed-in person, for verbs that make that person an owner or a member. */
export type PersonScope = UserScope & { actorUserId: string };

/**
 * Only the collaborators, no org and no actor: the system's work across every organization (the schedule, the
 * cleaner, re-encrypting all stored secrets; each org's writes then get an org scope of their own) and reading
 * an invitation link before anyone signs in.
 */
export type SystemScope = Pick<Scope, "db" | "deps">;

/** The same scope inside a transaction, so a verb's writes and its audit entry commit together. */
export function withDb<S extends { db: DatabaseOrTransaction }>(scope: S, db: DatabaseOrTransaction): S {
  return { ...scope, db };
}
