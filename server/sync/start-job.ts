import { and, asc, eq, inArray, isNull, lte, notExists, or, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { jobs, sentState, serviceQueries, services, serviceSyncState, type JobQuery } from "@/db/schema";
import type { RunMode } from "@/lib/vocabulary";
import { getJobInOrg } from "../jobs/job-rows";
import type { Scope, SystemScope } from "./system-scope";
import { getServiceInOrg } from "../services/services";
import { isUniqueViolation } from "./sql-errors";

/** A delta asks for changes since the last successful start minus this, so clock skew and in-flight edits are caught. */
export const DELTA_OVERLAP_MS = 10 * 60_000;

export type StartedJob = {
  status: "started";
  mode: RunMode;
  /** Delta only: ISO time of the lower bound on lastModified. */
  since: string | null;
  queries: { position: number }[];
  /** Delta only: the owners this service has live objects from, whose deletions could revoke them. */
  deletionOwners: string[];
};

/**
 * Moves a queued job to running. "skip" when it is no longer queued (cancelled, or already run); "busy" when
 * another job of the service runs, which the pipeline's per-service concurrency normally prevents. Starting again
 * with the same runId answers "started" again, so a retried step does not strand the job.
 */
export async function startJob(
  scope: Scope,
  input: { jobId: string; runId?: string },
): Promise<StartedJob | { status: "skip" | "busy" }> {
  try {
    return await scope.db.transaction(async (tx) => {
      const job = await getJobInOrg(tx, scope.orgId, { jobId: input.jobId }, { forUpdate: true });
      const isReplay = job.status === "running" && input.runId !== undefined && job.runId === input.runId;
      if (!isReplay && job.status !== "queued") return { status: "skip" as const };
      const service = await getServiceInOrg({ ...scope, db: tx }, { serviceId: job.serviceId });
      const deletionOwners = (modifiedSince: Date | null) =>
        modifiedSince ? ownersWithLiveObjects(tx, service.id, service.workspaceId) : Promise.resolve([]);
      if (isReplay) {
        return startedView(job.mode, job.modifiedSince, job.queries ?? [], await deletionOwners(job.modifiedSince));
      }
      const queries: JobQuery[] = await tx
        .select({
          position: serviceQueries.position,
          owners: serviceQueries.owners,
          types: serviceQueries.types,
          tql: serviceQueries.tql,
          sortField: serviceQueries.sortField,
          sortDirection: serviceQueries.sortDirection,
        })
        .from(serviceQueries)
        .where(and(eq(serviceQueries.orgId, scope.orgId), eq(serviceQueries.serviceId, service.id)))
        .orderBy(asc(serviceQueries.position));
      const [state] = await tx.select().from(serviceSyncState).where(eq(serviceSyncState.serviceId, service.id));
      const now = scope.deps.now();
      // A delta with no successful run before it has nothing to be a delta of.
      const mode: RunMode = job.mode === "delta" && !state?.deltaCursor && !job.indicatorIds ? "full" : job.mode;
      const modifiedSince =
        mode === "delta" && state?.deltaCursor && !job.indicatorIds
          ? new Date(state.deltaCursor.getTime() - DELTA_OVERLAP_MS)
          : null;
      await tx
        .update(jobs)
        .set({
          status: "running",
          phase: "download",
          runId: input.runId ?? null,
          startedAt: now,
          mode,
          queries,
          modifiedSince,
        })
        .where(eq(jobs.id, job.id));
      await tx
        .insert(serviceSyncState)
        .values({ serviceId: service.id, orgId: scope.orgId, lastStartedAt: now })
        .onConflictDoUpdate({ target: serviceSyncState.serviceId, set: { lastStartedAt: now } });
      return startedView(mode, modifiedSince, queries, await deletionOwners(modifiedSince));
    });
  } catch (error) {
    if (isUniqueViolation(error, "jobs_one_running_per_service_idx")) return { status: "busy" };
    throw error;
  }
}

function startedView(
  mode: RunMode,
  modifiedSince: Date | null,
  queries: JobQuery[],
  deletionOwners: string[],
): StartedJob {
  return {
    status: "started",
    mode,
    since: modifiedSince?.toISOString() ?? null,
    queries: queries.map(({ position }) => ({ position })),
    deletionOwners,
  };
}

async function ownersWithLiveObjects(db: DatabaseOrTransaction, serviceId: string, workspaceId: string) {
  const rows = await db
    .selectDistinct({ ownerName: sentState.ownerName })
    .from(sentState)
    .where(
      and(eq(sentState.serviceId, serviceId), eq(sentState.workspaceId, workspaceId), eq(sentState.revoked, false)),
    );
  return rows.map((row) => row.ownerName).sort();
}

export type DueService = { orgId: string; serviceId: string; mode: RunMode };

/**
 * Enabled services whose schedule interval has passed since their last start and that have no job queued or
 * running, so a slow job is never doubled by the next tick of the cron.
 */
export async function dueServices(system: SystemScope, input: { now: Date }): Promise<DueService[]> {
  const rows = await system.db
    .select({ orgId: services.orgId, serviceId: services.id, mode: services.nextRunMode })
    .from(services)
    .leftJoin(serviceSyncState, eq(serviceSyncState.serviceId, services.id))
    .where(
      and(
        eq(services.isEnabled, true),
        or(
          isNull(serviceSyncState.lastStartedAt),
          lte(
            serviceSyncState.lastStartedAt,
            sql`${input.now.toISOString()}::timestamptz - make_interval(hours => ${services.scheduleIntervalHours})`,
          ),
        ),
        notExists(
          system.db
            .select({ id: jobs.id })
            .from(jobs)
            .where(and(eq(jobs.serviceId, services.id), inArray(jobs.status, ["queued", "running"]))),
        ),
      ),
    );
  return rows;
}
