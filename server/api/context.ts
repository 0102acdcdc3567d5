import "server-only";
import { db } from "../../db";
import { auth } from "../auth";
import type { TRPCContext } from "./trpc";

export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  return { db, session: await auth(), headers: opts.headers };
}
