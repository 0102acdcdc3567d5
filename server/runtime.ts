import "server-only";
import { db } from "@/db";
import { env } from "@/env";
import { createAppDependencies } from "./deps";
import type { Scope } from "./scope";

/**
 * The process's collaborators, built once from configuration. Deliberately free of next-auth and request state,
 * so tRPC requests and Inngest functions share it.
 */
export const runtime = { db, deps: createAppDependencies(env) };

export function orgScope(orgId: string, actorUserId: string | null): Scope {
  return { ...runtime, orgId, actorUserId };
}
