import "server-only";
import { db } from "@/db";
import { env } from "@/env";
import { inngest } from "@/inngest/client";
import { createAppDependencies, type EventSender } from "./deps";
import type { Scope } from "./scope";

/**
 * The process's collaborators, built once from configuration. Deliberately free of next-auth and request state,
 * so tRPC requests and Inngest functions share it.
 */
const inngestEvents: EventSender = {
  async send(events) {
    if (events.length > 0) await inngest.send(events);
  },
};

export const runtime = { db, deps: createAppDependencies(env, { events: inngestEvents }) };

export function orgScope(orgId: string, actorUserId: string | null): Scope {
  return { ...runtime, orgId, actorUserId };
}
