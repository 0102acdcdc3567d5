import { evaluateCondition, evaluateKey } from "./expressions";
import type { FunctionDefinition } from "./function-config";
import { newUlid } from "./ids";
import { jsonBytes } from "./limits";
import type { Registry } from "./registry";
import type { EventPayload, RunRow, RunStatus } from "./schema";
import type { Queries } from "./store";

const INTERNAL_FUNCTION_EVENT_PREFIX = "inngest/function.";
const FINISHED_EVENT = "inngest/function.finished";
const FAILED_EVENT = "inngest/function.failed";
const CANCELLED_EVENT = "inngest/function.cancelled";

export type TerminalStatus = "Completed" | "Failed" | "Cancelled";

export function isTerminal(status: RunStatus): boolean {
  return status === "Completed" || status === "Failed" || status === "Cancelled";
}

export function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

/** Trigger names are exact, except a trailing "/*" or "*" wildcard such as "app/*". */
function matchesEventName(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * Where runs begin and end: an event is stored, cancels the runs waiting for it and starts the functions it
 * triggers; a finished run emits Inngest's lifecycle events, which are routed the same way (onFailure).
 * Every method runs inside the caller's transaction.
 */
export class RunLifecycle {
  constructor(
    private readonly registry: Registry,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Routes events in order. Only events whose name some cancel pause waits for (or could, once a run of this
   * batch creates one) look at pauses, so a large fan-out batch costs one insert per run it starts.
   */
  async route(tx: Queries, events: EventPayload[], now: Date): Promise<void> {
    const fresh = await tx.insertEvents(events, now);
    const cancelNames = await tx.pausedEventNames(now);
    for (const fn of this.registry.all()) for (const cancel of fn.cancel) cancelNames.add(cancel.event);
    for (const event of events) {
      // A repeated id (within this batch or the dedupe window) is acknowledged but routed once.
      if (!fresh.delete(event.id)) continue;
      if (cancelNames.has(event.name)) await this.applyCancellations(tx, event, now);
      for (const fn of this.registry.all()) {
        const isTriggered = fn.eventTriggers.some(
          (trigger) =>
            matchesEventName(trigger.event, event.name) &&
            (!trigger.expression || evaluateCondition(trigger.expression, { event })),
        );
        if (isTriggered) await this.createRun(tx, fn, event, now);
      }
    }
  }

  private async applyCancellations(tx: Queries, event: EventPayload, now: Date): Promise<void> {
    for (const pause of await tx.activeCancelPauses(event.name, now)) {
      if (pause.expression && !evaluateCondition(pause.expression, { event: pause.run_event, async: event })) continue;
      const run = await tx.lockRun(pause.run_id);
      if (run && !isTerminal(run.status)) {
        const error = { name: "Cancelled", message: `cancelled by event ${event.name} (${event.id})` };
        await this.finish(tx, run, "Cancelled", { error }, now);
      }
    }
  }

  async createRun(tx: Queries, fn: FunctionDefinition, event: EventPayload, now: Date): Promise<void> {
    if (fn.rateLimit) {
      const key = `rate:${fn.id}:${fn.rateLimit.key ? evaluateKey(fn.rateLimit.key, { event }) : ""}`;
      const capacity = Math.floor(fn.rateLimit.limit / 10) + 1;
      const retryAt = await tx.admitGcra(key, { ...fn.rateLimit, capacity, nowMs: now.getTime() });
      if (retryAt !== undefined) {
        this.log(`rate limit skipped event ${event.id} for ${fn.id}`);
        return;
      }
    }
    const runId = newUlid(now);
    const concurrencyKeys = fn.concurrency.map((limit) => {
      const value = limit.key ? evaluateKey(limit.key, { event }) : "";
      return limit.scope === "fn" ? `fn:${fn.id}:${limit.key ?? ""}:${value}` : `${limit.scope}:${value}`;
    });
    await tx.insertRun({
      id: runId,
      functionId: fn.id,
      event,
      concurrencyKeys,
      stateBytes: jsonBytes([event]),
      createdAt: now,
    });
    for (const cancel of fn.cancel) {
      await tx.insertCancelPause({
        runId,
        eventName: cancel.event,
        expression: cancel.if,
        expiresAt: new Date(now.getTime() + cancel.timeoutMs),
      });
    }
  }

  async finish(
    tx: Queries,
    run: RunRow,
    status: TerminalStatus,
    result: { output?: unknown; error?: unknown },
    now: Date,
  ): Promise<void> {
    await tx.finishRun(run.id, status, result, now);
    this.log(`run ${run.id} (${run.function_id}) ${status}`);
    // Runs triggered by the engine's own lifecycle events emit none, or onFailure handlers would loop.
    if (run.event.name.startsWith(INTERNAL_FUNCTION_EVENT_PREFIX)) return;
    const base = { function_id: run.function_id, run_id: run.id, event: run.event, events: run.events };
    const emit = (name: string, data: Record<string, unknown>) =>
      this.route(tx, [{ id: newUlid(now), name, data, ts: now.getTime(), user: {} }], now);
    if (status === "Failed") await emit(FAILED_EVENT, { ...base, error: result.error });
    if (status === "Cancelled") await emit(CANCELLED_EVENT, { ...base, error: result.error });
    await emit(FINISHED_EVENT, {
      ...base,
      ...(status === "Completed" ? { result: result.output } : { error: result.error }),
      _inngest: { status },
    });
  }
}
