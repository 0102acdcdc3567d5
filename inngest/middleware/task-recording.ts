import { Middleware } from "inngest";
import type { TaskScope } from "@/server/tasks";
import { recordTaskEnd, recordTaskStart } from "@/server/tasks";
import type { TaskKind } from "@/lib/vocabulary";
import { taskKindOfStep } from "../task-steps";

type StepIdentity = {
  orgId: string | null;
  jobId: string | null;
  runId: string;
  stepId: string;
  attempt: number;
  kind: TaskKind;
  label: string;
};

type HookArgs = Middleware.OnStepStartArgs;

function stringField(data: unknown, field: string): string | null {
  if (typeof data !== "object" || data === null) return null;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === "string" ? value : null;
}

/** The pipeline event a run serves: an onFailure handler runs on Inngest's failure event, which wraps it. */
function pipelineDataOf(event: { name: string; data?: unknown }): unknown {
  if (event.name !== "inngest/function.failed" || typeof event.data !== "object" || event.data === null) {
    return event.data;
  }
  const failed = (event.data as { event?: { data?: unknown } }).event;
  return failed?.data;
}

function identityOf({ ctx, stepInfo }: HookArgs): StepIdentity | undefined {
  const kind = taskKindOfStep(stepInfo.options.id);
  if (!kind) return undefined;
  const data = pipelineDataOf(ctx.event);
  return {
    orgId: stringField(data, "orgId"),
    jobId: stringField(data, "jobId"),
    runId: ctx.runId,
    stepId: stepInfo.options.id,
    attempt: ctx.attempt,
    kind,
    label: stepInfo.options.name ?? stepInfo.options.id,
  };
}

/** Step outputs are counts and ids by design; the numbers become the task's counts. */
function countsOf(output: unknown): Record<string, number> {
  if (typeof output !== "object" || output === null) return {};
  return Object.fromEntries(
    Object.entries(output).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
  );
}

/**
 * Records every attempt of every task step as a task row, keyed by (run, step, attempt) and upserted, because
 * Inngest may deliver a hook more than once. A fresh instance serves each request, so it keeps no state.
 */
export function taskRecordingMiddleware(scopeFor: (orgId: string | null) => TaskScope) {
  return class TaskRecording extends Middleware.BaseMiddleware {
    readonly id = "task-recording";

    override async onStepStart(args: Middleware.OnStepStartArgs): Promise<void> {
      const identity = identityOf(args);
      if (identity) await recordTaskStart(scopeFor(identity.orgId), identity);
    }

    override async onStepComplete(args: Middleware.OnStepCompleteArgs): Promise<void> {
      const identity = identityOf(args);
      if (identity)
        await recordTaskEnd(scopeFor(identity.orgId), {
          ...identity,
          status: "succeeded",
          counts: countsOf(args.output),
        });
    }

    override async onStepError(args: Middleware.OnStepErrorArgs): Promise<void> {
      const identity = identityOf(args);
      if (identity)
        await recordTaskEnd(scopeFor(identity.orgId), {
          ...identity,
          // Each attempt is its own row, so a failure that will be retried is that attempt's final word.
          status: "failed",
          error: args.error.message,
        });
    }
  };
}
