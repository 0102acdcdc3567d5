import "server-only";
import { auth } from "../auth";
import { runtime } from "../runtime";
import type { TRPCContext } from "./trpc";

/** The process's collaborators come from the runtime that Inngest functions share; only the session is per request. */
export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  return { ...runtime, session: await auth(), headers: opts.headers };
}
