import { sql } from "drizzle-orm";
import { tasks } from "@/db/schema";
import type { TaskKind, TaskStatus } from "@/lib/vocabulary";
import type { Scope } from "@/server/scope";

/** Tasks belong to an org's job, or to no org for system work such as the cleaner. */
export type TaskScope = Pick<Scope, "db" | "deps"> & { orgId: string | null };

export type TaskAttempt = {
  jobId: string | null;
  runId: string;
  stepId: string;
  attempt: number;
  kind: TaskKind;
  label: string;
};

const taskIdentity = [tasks.runId, tasks.stepId, tasks.attempt];

/**
 * Hooks fire at least once, so a repeated start inserts nothing and never reopens an attempt that already ended.
 */
export async function recordTaskStart(scope: TaskScope, input: TaskAttempt): Promise<void> {
  await scope.db
    .insert(tasks)
    .values({ ...input, orgId: scope.orgId, status: "running", startedAt: scope.deps.now() })
    .onConflictDoNothing({ target: taskIdentity });
}

export type TaskOutcome = TaskAttempt & {
  status: Extract<TaskStatus, "succeeded" | "failed">;
  counts?: Record<string, number>;
  error?: string;
};

/** Ends the attempt, creating it if its start was never recorded (the start hook's request was lost). */
export async function recordTaskEnd(scope: TaskScope, input: TaskOutcome): Promise<void> {
  const now = scope.deps.now();
  const ending = {
    status: input.status,
    finishedAt: now,
    counts: input.counts ?? null,
    error: input.error ?? null,
  };
  await scope.db
    .insert(tasks)
    .values({ ...input, ...ending, orgId: scope.orgId, startedAt: now })
    .onConflictDoUpdate({
      target: taskIdentity,
      set: { ...ending, label: sql`excluded.label` },
    });
}
