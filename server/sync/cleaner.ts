import { and, inArray, lt, notInArray } from "drizzle-orm";
import { jobErrors, jobs, sentDailyCounts, syncDeletions, syncStaging, tasks } from "@/db/schema";
import type { JobStatus } from "@/lib/vocabulary";
import { utcDay } from "./sent-daily";
import type { SystemScope } from "./system-scope";

export type CleanedRecords = { jobs: number; tasks: number; errors: number; staging: number; dailyCounts: number };

/** Per-day sent counts are a few rows per service a day, so a year of history outlives the jobs behind it. */
const DAILY_COUNTS_KEPT_DAYS = 366;

const UNFINISHED: JobStatus[] = ["queued", "running"];

/**
 * Removes finished jobs older than the retention with their errors, batches and tasks, tasks of no job (the
 * cleaner's own), and any staging left behind by a finished job. Running jobs are never touched. Rows are
 * counted by the database, never returned: one old job can own a million staged rows. Per-day sent counts older
 * than a year go too.
 */
export async function cleanOldRecords(system: SystemScope, input: { olderThan: Date }): Promise<CleanedRecords> {
  const oldJobs = system.db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(lt(jobs.createdAt, input.olderThan), notInArray(jobs.status, UNFINISHED)));
  const errors = await system.db.delete(jobErrors).where(inArray(jobErrors.jobId, oldJobs));
  const oldTasks = await system.db.delete(tasks).where(lt(tasks.startedAt, input.olderThan));
  const finished = system.db.select({ id: jobs.id }).from(jobs).where(notInArray(jobs.status, UNFINISHED));
  const staging = await system.db.delete(syncStaging).where(inArray(syncStaging.jobId, finished));
  await system.db.delete(syncDeletions).where(inArray(syncDeletions.jobId, finished));
  const removedJobs = await system.db
    .delete(jobs)
    .where(and(lt(jobs.createdAt, input.olderThan), notInArray(jobs.status, UNFINISHED)));
  const countsBefore = utcDay(new Date(system.deps.now().getTime() - DAILY_COUNTS_KEPT_DAYS * 86_400_000));
  const dailyCounts = await system.db.delete(sentDailyCounts).where(lt(sentDailyCounts.day, countsBefore));
  return {
    jobs: removedJobs.count,
    tasks: oldTasks.count,
    errors: errors.count,
    staging: staging.count,
    dailyCounts: dailyCounts.count,
  };
}
