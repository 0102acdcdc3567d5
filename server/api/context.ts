import "server-only";
import { db } from "@/db";
import { env } from "@/env";
import { auth } from "../auth";
import { createAppDependencies } from "../deps";
import type { TRPCContext } from "./trpc";

// Built once per process: the keyring parse and endpoint overrides do not change between requests.
const deps = createAppDependencies(env);

export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  return { db, deps, session: await auth(), headers: opts.headers };
}
