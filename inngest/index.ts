import type { InngestFunction } from "inngest";
import { env } from "@/env";
import { orgScope, runtime } from "@/server/runtime";
import { inngest } from "./client";
import { createPipelineFunctions } from "./pipeline";

/** Every function the app serves at /api/inngest: the sync pipeline, acting as the system in each org. */
export const functions: InngestFunction.Any[] = createPipelineFunctions(inngest, {
  scopeFor: (orgId) => orgScope(orgId, null),
  system: runtime,
  sentinelMinuteMs: env.SENTINEL_MINUTE_MS,
  retentionDays: env.SYNC_RETENTION_DAYS,
});
