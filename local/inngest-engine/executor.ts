import type { FunctionDefinition } from "./function-config";
import { newUlid } from "./ids";
import {
  jsonBytes,
  stateSizeError,
  stepLimitError,
  stepOutputError,
  stepTimeoutError,
  type LimitError,
  type PlatformLimits,
} from "./limits";
import { errorOf, isTerminal, type RunLifecycle } from "./runs";
import type { RunRow, StepValue } from "./schema";
import { interpretResponse, type CallOutcome, type Op } from "./sdk-call";
import type { DueItem, Queries, Store } from "./store";
import { resolveWakeTime } from "./time-string";

export interface ExecutorConfig {
  now: () => Date;
  retryBackoffMs: (attempt: number) => number;
  limits: PlatformLimits;
  log: (message: string) => void;
}

/** After an engine-side failure (e.g. a database hiccup) the item is parked briefly rather than spun on. */
const INTERNAL_ERROR_DELAY_MS = 1000;
/** Ops that become a memoized step of the run, and so count towards the step limit. */
const STEP_OPS = new Set(["StepRun", "StepError", "StepFailed", "StepPlanned", "Sleep"]);
const MEMOIZED_OUTPUT_OPS = new Set(["StepRun", "StepError", "StepFailed"]);

function stepName(op: Op): string {
  return op.displayName ?? op.name ?? op.id;
}

/**
 * Drives one queue item: calls the app's serve handler the way Inngest's executor does, then records what the
 * SDK answered (memoized steps, retries, sleeps, completion) in one transaction, enforcing the platform limits.
 */
export class Executor {
  constructor(
    private readonly store: Store,
    private readonly lifecycle: RunLifecycle,
    private readonly config: ExecutorConfig,
  ) {}

  async dispatch(item: DueItem, fn: FunctionDefinition, signal: AbortSignal, isClosing: () => boolean): Promise<void> {
    try {
      const run = await this.store.getRun(item.run_id);
      if (!run || isTerminal(run.status)) {
        await this.store.deleteQueueItem(item.id);
        return;
      }
      if (item.kind === "start") {
        await this.store.markRunning(run.id, this.config.now());
        await this.store.startDiscovery(item.id);
      }
      const outcome = await this.call(run, item, fn, signal);
      if (signal.aborted) return;
      await this.applyOutcome(item, fn, outcome);
    } catch (error) {
      if (signal.aborted || isClosing()) return;
      this.config.log(`run ${item.run_id}: engine error, will retry: ${errorOf(error).message}`);
      const retryAt = new Date(this.config.now().getTime() + INTERNAL_ERROR_DELAY_MS);
      await this.store.rescheduleItem(item.id, retryAt).catch(() => undefined);
    }
  }

  async failUnregistered(item: DueItem): Promise<void> {
    const now = this.config.now();
    await this.store.transaction(async (tx) => {
      const run = await tx.lockRun(item.run_id);
      if (!run || isTerminal(run.status)) return;
      const error = { name: "FunctionNotFound", message: `function "${item.function_id}" is no longer registered` };
      await this.lifecycle.finish(tx, run, "Failed", { error }, now);
    });
  }

  async resumeAfterSleep(item: DueItem): Promise<void> {
    const now = this.config.now();
    await this.store.transaction(async (tx) => {
      const run = await tx.lockRun(item.run_id);
      await tx.deleteQueueItem(item.id);
      if (!run || isTerminal(run.status)) return;
      await this.saveProgress(tx, run, { [item.step_id]: null }, [item.step_id], run.disable_immediate_execution, now);
    });
  }

  private async call(run: RunRow, item: DueItem, fn: FunctionDefinition, signal: AbortSignal): Promise<CallOutcome> {
    const url = new URL(fn.url);
    const stepId = item.kind === "step" ? item.step_id : "step";
    url.searchParams.set("fnId", fn.id);
    url.searchParams.set("stepId", stepId);
    // ctx.fn_id is deliberately absent: its presence switches SDK v4 into checkpointing mode.
    const body = {
      event: run.event,
      events: run.events,
      steps: run.steps,
      ctx: {
        run_id: run.id,
        attempt: item.attempt,
        max_attempts: fn.maxAttempts,
        disable_immediate_execution: run.disable_immediate_execution,
        use_api: false,
        stack: { stack: run.stack, current: run.stack.length },
      },
      version: -1,
    };
    const timeout = AbortSignal.timeout(this.config.limits.stepTimeoutMs);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inngest-server-kind": "dev",
          "x-run-id": run.id,
          "x-request-id": newUlid(this.config.now()),
          "x-inngest-step-id": stepId,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, timeout]),
      });
      const text = await response.text();
      return interpretResponse(response.status, response.headers, text, url.toString(), this.config.now());
    } catch (error) {
      if (signal.aborted) throw error;
      if (timeout.aborted) {
        return { type: "error", noRetry: false, error: stepTimeoutError(this.config.limits.stepTimeoutMs) };
      }
      return {
        type: "error",
        noRetry: false,
        error: { name: "NetworkError", message: `${url.origin}: ${errorOf(error).message}` },
      };
    }
  }

  private async applyOutcome(item: DueItem, fn: FunctionDefinition, outcome: CallOutcome): Promise<void> {
    const now = this.config.now();
    await this.store.transaction(async (tx) => {
      const run = await tx.lockRun(item.run_id);
      if (!run || isTerminal(run.status)) {
        await tx.deleteQueueItem(item.id);
        return;
      }
      const retry = async (retryAt: Date | undefined) => {
        const at = retryAt ?? new Date(now.getTime() + this.config.retryBackoffMs(item.attempt));
        await tx.rescheduleItem(item.id, at, item.attempt + 1);
      };
      const hasAttemptsLeft = item.attempt + 1 < fn.maxAttempts;
      if (outcome.type === "complete") {
        await this.complete(tx, run, outcome.output, now);
        return;
      }
      if (outcome.type === "error") {
        this.config.log(
          `run ${run.id}: attempt ${item.attempt} failed: ${JSON.stringify(outcome.error).slice(0, 300)}`,
        );
        if (!outcome.noRetry && hasAttemptsLeft) await retry(outcome.retryAt);
        else await this.lifecycle.finish(tx, run, "Failed", { error: outcome.error }, now);
        return;
      }
      const stepError = outcome.ops.find((op) => op.op === "StepError");
      if (stepError && !outcome.noRetry && hasAttemptsLeft) {
        this.config.log(`run ${run.id}: step "${stepName(stepError)}" failed, retrying`);
        await retry(outcome.retryAt);
        return;
      }
      await tx.deleteQueueItem(item.id);
      await this.applyOps(tx, run, outcome.ops, now);
    });
  }

  /** The function's return value is part of the run state, so a run can still overflow as it completes. */
  private async complete(tx: Queries, run: RunRow, output: unknown, now: Date): Promise<void> {
    const { maxRunStateBytes } = this.config.limits;
    if (run.state_bytes + jsonBytes(output) > maxRunStateBytes) {
      await this.lifecycle.finish(tx, run, "Failed", { error: stateSizeError(maxRunStateBytes) }, now);
      return;
    }
    await this.lifecycle.finish(tx, run, "Completed", { output }, now);
  }

  /** Inngest refuses the step past the limits instead of storing it: the run fails naming the limit. */
  private limitBreach(run: RunRow, ops: Op[]): LimitError | undefined {
    const { maxStepsPerRun, maxStepOutputBytes } = this.config.limits;
    for (const op of ops) {
      if (!MEMOIZED_OUTPUT_OPS.has(op.op)) continue;
      const size = jsonBytes(op.op === "StepRun" ? op.data : (op.error ?? op.data));
      if (size > maxStepOutputBytes) return stepOutputError(stepName(op), maxStepOutputBytes, size);
    }
    const newStepIds = new Set(ops.filter((op) => STEP_OPS.has(op.op) && !(op.id in run.steps)).map((op) => op.id));
    if (Object.keys(run.steps).length + newStepIds.size > maxStepsPerRun) return stepLimitError(maxStepsPerRun);
    return undefined;
  }

  private async applyOps(tx: Queries, run: RunRow, ops: Op[], now: Date): Promise<void> {
    const breach = this.limitBreach(run, ops);
    if (breach) {
      await this.lifecycle.finish(tx, run, "Failed", { error: breach }, now);
      return;
    }
    const newSteps: Record<string, StepValue> = {};
    const completed: string[] = [];
    for (const op of ops) {
      switch (op.op) {
        case "StepRun":
          newSteps[op.id] = { data: op.data ?? null };
          completed.push(op.id);
          break;
        case "StepError":
        case "StepFailed":
          newSteps[op.id] = { error: op.error ?? op.data ?? null };
          completed.push(op.id);
          break;
        case "StepPlanned":
          if (!(op.id in run.steps)) await tx.enqueue({ runId: run.id, kind: "step", stepId: op.id, runAt: now });
          break;
        case "Sleep": {
          const target = typeof op.opts?.duration === "string" ? op.opts.duration : (op.name ?? "");
          let wakeAt: Date;
          try {
            wakeAt = resolveWakeTime(target, now);
          } catch (error) {
            await this.lifecycle.finish(tx, run, "Failed", { error: errorOf(error) }, now);
            return;
          }
          await tx.enqueue({ runId: run.id, kind: "sleep", stepId: op.id, runAt: wakeAt });
          break;
        }
        case "RunComplete":
          await this.complete(tx, run, op.data ?? null, now);
          return;
        default: {
          const error = {
            name: "UnsupportedOperation",
            message: `op ${op.op} (step "${stepName(op)}") is not supported by the local engine`,
          };
          await this.lifecycle.finish(tx, run, "Failed", { error }, now);
          return;
        }
      }
    }
    await this.saveProgress(tx, run, newSteps, completed, run.disable_immediate_execution || ops.length > 1, now);
  }

  /** Stores memoized steps and, once nothing else of the run is pending (a parallel group), asks for discovery. */
  private async saveProgress(
    tx: Queries,
    run: RunRow,
    newSteps: Record<string, StepValue>,
    completed: string[],
    disableImmediateExecution: boolean,
    now: Date,
  ): Promise<void> {
    const addedBytes = Object.entries(newSteps)
      .filter(([id]) => !(id in run.steps))
      .reduce((total, [, value]) => total + jsonBytes(value), 0);
    const stateBytes = run.state_bytes + addedBytes;
    if (stateBytes > this.config.limits.maxRunStateBytes) {
      await this.lifecycle.finish(
        tx,
        run,
        "Failed",
        { error: stateSizeError(this.config.limits.maxRunStateBytes) },
        now,
      );
      return;
    }
    const steps = { ...run.steps, ...newSteps };
    const stack = [...run.stack, ...completed.filter((id) => !run.stack.includes(id))];
    await tx.saveSteps(run.id, { steps, stack, disableImmediateExecution, stateBytes });
    await tx.enqueueDiscoveryIfIdle(run.id, now);
  }
}
