import { isDeepStrictEqual } from "node:util";
import { evaluateCondition, evaluateKey } from "./expressions";
import {
  nextCronTime,
  normaliseFunction,
  registerBodySchema,
  type FunctionDefinition,
  type RegisterBody,
} from "./function-config";
import { newUlid } from "./ids";
import { interpretResponse, type CallOutcome, type Op } from "./sdk-call";
import {
  admitGcra,
  connect,
  createSchema,
  enqueue,
  asJson,
  loadFunctions,
  lockRun,
  type EventPayload,
  type QueueItemRow,
  type RunRow,
  type RunStatus,
  type Sql,
  type StepValue,
  type TransactionSql,
} from "./store";
import { resolveWakeTime } from "./time-string";

export interface EngineConfig {
  databaseUrl: string;
  schema: string;
  now: () => Date;
  retryBackoffMs: (attempt: number) => number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  log: (message: string) => void;
}

export interface IncomingEvent {
  id?: string;
  name: string;
  data?: Record<string, unknown>;
  ts?: number;
  user?: Record<string, unknown>;
  v?: string;
}

export interface RunView {
  id: string;
  functionId: string;
  status: RunStatus;
  eventId: string;
  event: EventPayload;
  steps: Record<string, StepValue>;
  output: unknown;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface RunFilter {
  functionId?: string;
  status?: RunStatus;
  eventId?: string;
}

const INTERNAL_FUNCTION_EVENT_PREFIX = "inngest/function.";
const FINISHED_EVENT = "inngest/function.finished";
const FAILED_EVENT = "inngest/function.failed";
const CANCELLED_EVENT = "inngest/function.cancelled";
const SCHEDULED_EVENT = "inngest/scheduled.timer";
const EVENT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_IN_FLIGHT = 64;
const DUE_BATCH = 500;
/** After an engine-side failure (e.g. a database hiccup) the item is parked briefly rather than spun on. */
const INTERNAL_ERROR_DELAY_MS = 1000;

type DueItem = QueueItemRow & {
  function_id: string;
  concurrency_keys: string[];
  event: EventPayload;
};

function toView(row: RunRow): RunView {
  return {
    id: row.id,
    functionId: row.function_id,
    status: row.status,
    eventId: row.event_id,
    event: row.event,
    steps: row.steps,
    output: row.output,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function isTerminal(status: RunStatus): boolean {
  return status === "Completed" || status === "Failed" || status === "Cancelled";
}

function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

export class Engine {
  private readonly sql: Sql;
  private functions = new Map<string, FunctionDefinition>();
  private readonly inFlight = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  /**
   * Items whose dispatch has finished stay in `inFlight` until the next tick starts: a tick that read the
   * queue before the dispatch committed its outcome would otherwise send the same item a second time.
   */
  private readonly settledItems = new Set<string>();
  private readonly slotsInUse = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private isTicking = false;
  private isTickRequested = false;
  private isClosed = false;
  private lastEventPurgeMs = 0;

  constructor(private readonly config: EngineConfig) {
    this.sql = connect(config.databaseUrl, config.schema);
  }

  async start(): Promise<void> {
    await createSchema(this.sql, this.config.schema);
    await this.reloadFunctions();
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.timer);
    for (const { abort } of this.inFlight.values()) abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map(({ promise }) => promise));
    await this.sql.end({ timeout: 5 });
  }

  private async reloadFunctions(): Promise<void> {
    this.functions = new Map((await loadFunctions(this.sql)).map((fn) => [fn.id, fn]));
  }

  /** Replaces an app's functions (an app is identified by its name, so a new URL re-points it). */
  async register(body: unknown): Promise<{ modified: boolean }> {
    const parsed = registerBodySchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // An issue about the body as a whole has an empty path.
      const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
      throw new RegistrationError(`${field}: ${issue?.message ?? "invalid"}`);
    }
    const definitions = this.normaliseAll(parsed.data);
    const now = this.config.now();
    const modified = await this.sql.begin(async (tx) => {
      const existing = await tx<{ id: string; definition: FunctionDefinition }[]>`
        select id, definition from functions where app_name = ${parsed.data.appName}`;
      const previous = new Map(existing.map((row) => [row.id, row.definition]));
      // jsonb reorders keys and drops undefined ones, so compare structurally against the JSON form.
      const isModified =
        previous.size !== definitions.length ||
        definitions.some((fn) => !isDeepStrictEqual(previous.get(fn.id), JSON.parse(JSON.stringify(fn))));
      await tx`
        insert into apps (name, url, synced_at) values (${parsed.data.appName}, ${parsed.data.url}, ${now})
        on conflict (name) do update set url = excluded.url, synced_at = excluded.synced_at`;
      await tx`delete from functions where app_name = ${parsed.data.appName}`;
      for (const fn of definitions) {
        await tx`
          insert into functions (id, app_name, definition) values (${fn.id}, ${fn.appName}, ${tx.json(asJson(fn))})
          on conflict (id) do update set app_name = excluded.app_name, definition = excluded.definition`;
      }
      await tx`
        delete from cron_schedules c
        where not exists (
          select 1 from functions f where f.id = c.function_id and f.definition -> 'crons' ? c.cron
        )`;
      for (const fn of definitions) {
        for (const cron of fn.crons) {
          const nextAt = nextCronTime(cron, now);
          if (!nextAt) continue;
          await tx`
            insert into cron_schedules (function_id, cron, next_at) values (${fn.id}, ${cron}, ${nextAt})
            on conflict do nothing`;
        }
      }
      return isModified;
    });
    await this.reloadFunctions();
    this.config.log(`synced app "${parsed.data.appName}" at ${parsed.data.url}: ${definitions.length} function(s)`);
    return { modified };
  }

  private normaliseAll(body: RegisterBody): FunctionDefinition[] {
    return body.functions.map((raw) => {
      try {
        return normaliseFunction(raw, body.appName);
      } catch (error) {
        throw new RegistrationError((error as Error).message);
      }
    });
  }

  /**
   * Asks an app to describe itself with an in-band sync (a PUT answered with the function list), so the
   * engine does not depend on the app's configured base URL pointing back at it.
   */
  async sync(appUrl: string): Promise<void> {
    const response = await fetch(appUrl, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        "x-inngest-server-kind": "dev",
        "x-inngest-sync-kind": "in_band",
      },
      body: JSON.stringify({ url: appUrl }),
      signal: AbortSignal.timeout(this.config.requestTimeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sync of ${appUrl} failed: ${response.status} ${text.slice(0, 500)}`);
    if (response.headers.get("x-inngest-sync-kind") !== "in_band") return;
    const body = JSON.parse(text) as {
      app_id?: unknown;
      url?: unknown;
      functions?: unknown;
    };
    await this.register({
      appName: body.app_id,
      url: body.url,
      functions: body.functions,
    });
  }

  /** Stores and routes events; ids already seen within 24 h are acknowledged but not routed again. */
  async ingest(events: IncomingEvent[], idFor: (index: number) => string | undefined): Promise<string[]> {
    const now = this.config.now();
    const ids = await this.sql.begin(async (tx) => {
      const assigned: string[] = [];
      for (const [index, incoming] of events.entries()) {
        const payload: EventPayload = {
          id: incoming.id ?? idFor(index) ?? newUlid(now),
          name: incoming.name,
          data: incoming.data ?? {},
          ts: incoming.ts ?? now.getTime(),
          user: incoming.user ?? {},
          ...(incoming.v === undefined ? {} : { v: incoming.v }),
        };
        assigned.push(payload.id);
        await this.storeAndRoute(tx, payload, now);
      }
      return assigned;
    });
    this.kick();
    return ids;
  }

  private async storeAndRoute(tx: TransactionSql, event: EventPayload, now: Date): Promise<void> {
    const inserted = await tx`
      insert into events (id, name, payload, received_at) values (${event.id}, ${event.name}, ${tx.json(asJson(event))}, ${now})
      on conflict (id) do nothing returning id`;
    if (inserted.length === 0) return;
    await this.applyCancellations(tx, event, now);
    for (const fn of this.functions.values()) {
      const isTriggered = fn.eventTriggers.some(
        (trigger) =>
          matchesEventName(trigger.event, event.name) &&
          (!trigger.expression || evaluateCondition(trigger.expression, { event })),
      );
      if (isTriggered) await this.createRun(tx, fn, event, now);
    }
  }

  private async applyCancellations(tx: TransactionSql, event: EventPayload, now: Date): Promise<void> {
    const pauses = await tx<{ run_id: string; expression: string | null; run_event: EventPayload }[]>`
      select p.run_id, p.expression, r.event as run_event
      from cancel_pauses p join runs r on r.id = p.run_id
      where p.event_name = ${event.name} and p.expires_at > ${now}
      order by p.id`;
    for (const pause of pauses) {
      if (
        pause.expression &&
        !evaluateCondition(pause.expression, {
          event: pause.run_event,
          async: event,
        })
      )
        continue;
      const run = await lockRun(tx, pause.run_id);
      if (run && !isTerminal(run.status)) {
        await this.finishRun(
          tx,
          run,
          "Cancelled",
          {
            error: {
              name: "Cancelled",
              message: `cancelled by event ${event.name} (${event.id})`,
            },
          },
          now,
        );
      }
    }
  }

  private async createRun(tx: TransactionSql, fn: FunctionDefinition, event: EventPayload, now: Date): Promise<void> {
    if (fn.rateLimit) {
      const key = `rate:${fn.id}:${fn.rateLimit.key ? evaluateKey(fn.rateLimit.key, { event }) : ""}`;
      const capacity = Math.floor(fn.rateLimit.limit / 10) + 1;
      const retryAt = await admitGcra(tx, key, {
        ...fn.rateLimit,
        capacity,
        nowMs: now.getTime(),
      });
      if (retryAt !== undefined) {
        this.config.log(`rate limit skipped event ${event.id} for ${fn.id}`);
        return;
      }
    }
    const runId = newUlid(now);
    const concurrencyKeys = fn.concurrency.map((limit) => {
      const value = limit.key ? evaluateKey(limit.key, { event }) : "";
      return limit.scope === "fn" ? `fn:${fn.id}:${limit.key ?? ""}:${value}` : `${limit.scope}:${value}`;
    });
    await tx`
      insert into runs (id, function_id, status, event_id, event, events, concurrency_keys, created_at)
      values (${runId}, ${fn.id}, 'Queued', ${event.id}, ${tx.json(asJson(event))}, ${tx.json(asJson([event]))},
              ${tx.json(asJson(concurrencyKeys))}, ${now})`;
    await enqueue(tx, { runId, kind: "start", stepId: "step", runAt: now });
    for (const cancel of fn.cancel) {
      await tx`
        insert into cancel_pauses (run_id, event_name, expression, expires_at)
        values (${runId}, ${cancel.event}, ${cancel.if ?? null}, ${new Date(now.getTime() + cancel.timeoutMs)})`;
    }
  }

  private async finishRun(
    tx: TransactionSql,
    run: RunRow,
    status: "Completed" | "Failed" | "Cancelled",
    result: { output?: unknown; error?: unknown },
    now: Date,
  ): Promise<void> {
    await tx`
      update runs set status = ${status}, output = ${tx.json(asJson(result.output))}, error = ${tx.json(asJson(result.error))},
                      ended_at = ${now}
      where id = ${run.id}`;
    await tx`delete from queue_items where run_id = ${run.id}`;
    await tx`delete from cancel_pauses where run_id = ${run.id}`;
    this.config.log(`run ${run.id} (${run.function_id}) ${status}`);
    // Runs triggered by the engine's own lifecycle events emit none, or onFailure handlers would loop.
    if (run.event.name.startsWith(INTERNAL_FUNCTION_EVENT_PREFIX)) return;
    const base = {
      function_id: run.function_id,
      run_id: run.id,
      event: run.event,
      events: run.events,
    };
    const emit = (name: string, data: Record<string, unknown>) =>
      this.storeAndRoute(tx, { id: newUlid(now), name, data, ts: now.getTime(), user: {} }, now);
    if (status === "Failed") await emit(FAILED_EVENT, { ...base, error: result.error });
    if (status === "Cancelled") await emit(CANCELLED_EVENT, { ...base, error: result.error });
    await emit(FINISHED_EVENT, {
      ...base,
      ...(status === "Completed" ? { result: result.output } : { error: result.error }),
      _inngest: { status },
    });
  }

  kick(): void {
    if (this.isTicking) this.isTickRequested = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.isClosed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runTick(), delayMs);
  }

  private async runTick(): Promise<void> {
    if (this.isTicking || this.isClosed) return;
    this.isTicking = true;
    try {
      await this.tick();
    } catch (error) {
      if (!this.isClosed) this.config.log(`engine tick failed: ${errorOf(error).message}`);
    } finally {
      this.isTicking = false;
      const again = this.isTickRequested;
      this.isTickRequested = false;
      this.schedule(again ? 0 : this.config.pollIntervalMs);
    }
  }

  private async tick(): Promise<void> {
    for (const itemId of this.settledItems) this.inFlight.delete(itemId);
    this.settledItems.clear();
    const now = this.config.now();
    await this.fireCrons(now);
    await this.purgeExpired(now);
    const due = await this.sql<DueItem[]>`
      select q.id, q.run_id, q.kind, q.step_id, q.attempt, q.run_at, r.function_id, r.concurrency_keys, r.event
      from queue_items q join runs r on r.id = q.run_id
      where q.run_at <= ${now}
      order by q.run_at, q.id
      limit ${DUE_BATCH}`;
    const throttledKeys = new Set<string>();
    for (const item of due) {
      const dispatching = this.inFlight.size - this.settledItems.size;
      if (this.isClosed || dispatching >= MAX_IN_FLIGHT) return;
      if (this.inFlight.has(item.id)) continue;
      const fn = this.functions.get(item.function_id);
      if (!fn) {
        await this.failUnregistered(item);
        continue;
      }
      if (item.kind === "sleep") {
        await this.resumeAfterSleep(item);
        continue;
      }
      const slots = this.slotKeys(fn, item);
      if (!slots.every(([key, limit]) => (this.slotsInUse.get(key) ?? 0) < limit)) continue;
      if (item.kind === "start" && fn.throttle) {
        const throttleKey = `throttle:${fn.id}:${fn.throttle.key ? evaluateKey(fn.throttle.key, { event: item.event }) : ""}`;
        if (throttledKeys.has(throttleKey)) continue;
        const capacity = fn.throttle.limit + fn.throttle.burst;
        const retryAt = await admitGcra(this.sql, throttleKey, {
          ...fn.throttle,
          capacity,
          nowMs: now.getTime(),
        });
        if (retryAt !== undefined) {
          // Later starts with the same key wait behind this one: throttled runs are released FIFO.
          throttledKeys.add(throttleKey);
          continue;
        }
      }
      for (const [key] of slots) this.slotsInUse.set(key, (this.slotsInUse.get(key) ?? 0) + 1);
      const abort = new AbortController();
      const promise = this.dispatch(item, fn, abort.signal).finally(() => {
        for (const [key] of slots) this.slotsInUse.set(key, (this.slotsInUse.get(key) ?? 1) - 1);
        this.settledItems.add(item.id);
        this.kick();
      });
      this.inFlight.set(item.id, { promise, abort });
    }
  }

  private slotKeys(fn: FunctionDefinition, item: DueItem): [string, number][] {
    return fn.concurrency.flatMap((limit, index): [string, number][] => {
      const key = item.concurrency_keys[index];
      return key === undefined ? [] : [[key, limit.limit]];
    });
  }

  private async fireCrons(now: Date): Promise<void> {
    const due = await this.sql<{ function_id: string; cron: string; next_at: Date }[]>`
      select function_id, cron, next_at from cron_schedules where next_at <= ${now}`;
    for (const schedule of due) {
      const fn = this.functions.get(schedule.function_id);
      await this.sql.begin(async (tx) => {
        const next = nextCronTime(schedule.cron, now);
        if (next) {
          await tx`update cron_schedules set next_at = ${next} where function_id = ${schedule.function_id} and cron = ${schedule.cron}`;
        } else {
          await tx`delete from cron_schedules where function_id = ${schedule.function_id} and cron = ${schedule.cron}`;
        }
        if (!fn) return;
        const event: EventPayload = {
          id: newUlid(now),
          name: SCHEDULED_EVENT,
          data: {
            cron: schedule.cron,
            scheduledAt: schedule.next_at.toISOString(),
            fireAt: now.toISOString(),
          },
          ts: now.getTime(),
          user: {},
        };
        await tx`
          insert into events (id, name, payload, received_at) values (${event.id}, ${event.name}, ${tx.json(asJson(event))}, ${now})`;
        await this.createRun(tx, fn, event, now);
      });
    }
  }

  private async purgeExpired(now: Date): Promise<void> {
    await this.sql`delete from cancel_pauses where expires_at <= ${now}`;
    if (now.getTime() - this.lastEventPurgeMs < 60_000) return;
    this.lastEventPurgeMs = now.getTime();
    await this.sql`delete from events where received_at < ${new Date(now.getTime() - EVENT_DEDUPE_WINDOW_MS)}`;
  }

  private async failUnregistered(item: DueItem): Promise<void> {
    const now = this.config.now();
    await this.sql.begin(async (tx) => {
      const run = await lockRun(tx, item.run_id);
      if (!run || isTerminal(run.status)) return;
      const error = {
        name: "FunctionNotFound",
        message: `function "${item.function_id}" is no longer registered`,
      };
      await this.finishRun(tx, run, "Failed", { error }, now);
    });
  }

  private async resumeAfterSleep(item: DueItem): Promise<void> {
    const now = this.config.now();
    await this.sql.begin(async (tx) => {
      const run = await lockRun(tx, item.run_id);
      await tx`delete from queue_items where id = ${item.id}`;
      if (!run || isTerminal(run.status)) return;
      await this.saveProgress(tx, run, { [item.step_id]: null }, [item.step_id], run.disable_immediate_execution, now);
    });
  }

  /** Stores memoized steps and, once nothing else of the run is pending (a parallel group), asks for discovery. */
  private async saveProgress(
    tx: TransactionSql,
    run: RunRow,
    newSteps: Record<string, StepValue>,
    completed: string[],
    disableImmediateExecution: boolean,
    now: Date,
  ): Promise<void> {
    const steps = { ...run.steps, ...newSteps };
    const stack = [...run.stack, ...completed.filter((id) => !run.stack.includes(id))];
    await tx`
      update runs set steps = ${tx.json(asJson(steps))}, stack = ${tx.json(asJson(stack))},
                      disable_immediate_execution = ${disableImmediateExecution}
      where id = ${run.id}`;
    const [pending] = await tx<
      { count: number }[]
    >`select count(*)::int as count from queue_items where run_id = ${run.id}`;
    if ((pending?.count ?? 0) === 0)
      await enqueue(tx, {
        runId: run.id,
        kind: "discovery",
        stepId: "step",
        runAt: now,
      });
  }

  private async dispatch(item: DueItem, fn: FunctionDefinition, signal: AbortSignal): Promise<void> {
    try {
      const [run] = await this.sql<RunRow[]>`select * from runs where id = ${item.run_id}`;
      if (!run || isTerminal(run.status)) {
        await this.sql`delete from queue_items where id = ${item.id}`;
        return;
      }
      if (item.kind === "start") {
        await this.sql`update runs set status = 'Running', started_at = ${this.config.now()} where id = ${run.id}`;
        await this.sql`update queue_items set kind = 'discovery' where id = ${item.id}`;
      }
      const outcome = await this.call(run, item, fn, signal);
      if (signal.aborted) return;
      await this.applyOutcome(item, fn, outcome);
    } catch (error) {
      if (signal.aborted || this.isClosed) return;
      this.config.log(`run ${item.run_id}: engine error, will retry: ${errorOf(error).message}`);
      await this.sql`
        update queue_items set run_at = ${new Date(this.config.now().getTime() + INTERNAL_ERROR_DELAY_MS)}
        where id = ${item.id}`.catch(() => undefined);
    }
  }

  private async call(run: RunRow, item: DueItem, fn: FunctionDefinition, signal: AbortSignal): Promise<CallOutcome> {
    const url = new URL(fn.url);
    url.searchParams.set("fnId", fn.id);
    url.searchParams.set("stepId", item.kind === "step" ? item.step_id : "step");
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
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inngest-server-kind": "dev",
          "x-run-id": run.id,
          "x-request-id": newUlid(this.config.now()),
          "x-inngest-step-id": item.kind === "step" ? item.step_id : "step",
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.requestTimeoutMs)]),
      });
      const text = await response.text();
      return interpretResponse(response.status, response.headers, text, url.toString(), this.config.now());
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        type: "error",
        noRetry: false,
        error: {
          name: "NetworkError",
          message: `${url.origin}: ${errorOf(error).message}`,
        },
      };
    }
  }

  private async applyOutcome(item: DueItem, fn: FunctionDefinition, outcome: CallOutcome): Promise<void> {
    const now = this.config.now();
    await this.sql.begin(async (tx) => {
      const run = await lockRun(tx, item.run_id);
      if (!run || isTerminal(run.status)) {
        await tx`delete from queue_items where id = ${item.id}`;
        return;
      }
      const retry = async (retryAt: Date | undefined) => {
        const at = retryAt ?? new Date(now.getTime() + this.config.retryBackoffMs(item.attempt));
        await tx`update queue_items set attempt = ${item.attempt + 1}, run_at = ${at} where id = ${item.id}`;
      };
      const hasAttemptsLeft = item.attempt + 1 < fn.maxAttempts;
      if (outcome.type === "complete") {
        await this.finishRun(tx, run, "Completed", { output: outcome.output }, now);
        return;
      }
      if (outcome.type === "error") {
        if (!outcome.noRetry && hasAttemptsLeft) await retry(outcome.retryAt);
        else await this.finishRun(tx, run, "Failed", { error: outcome.error }, now);
        return;
      }
      const stepError = outcome.ops.find((op) => op.op === "StepError");
      if (stepError && !outcome.noRetry && hasAttemptsLeft) {
        this.config.log(
          `run ${run.id}: step "${stepError.displayName ?? stepError.name ?? stepError.id}" failed, retrying`,
        );
        await retry(outcome.retryAt);
        return;
      }
      await tx`delete from queue_items where id = ${item.id}`;
      await this.applyOps(tx, run, outcome.ops, now);
    });
  }

  private async applyOps(tx: TransactionSql, run: RunRow, ops: Op[], now: Date): Promise<void> {
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
          if (!(op.id in run.steps))
            await enqueue(tx, {
              runId: run.id,
              kind: "step",
              stepId: op.id,
              runAt: now,
            });
          break;
        case "Sleep": {
          const target = typeof op.opts?.duration === "string" ? op.opts.duration : (op.name ?? "");
          let wakeAt: Date;
          try {
            wakeAt = resolveWakeTime(target, now);
          } catch (error) {
            await this.finishRun(tx, run, "Failed", { error: errorOf(error) }, now);
            return;
          }
          await enqueue(tx, {
            runId: run.id,
            kind: "sleep",
            stepId: op.id,
            runAt: wakeAt,
          });
          break;
        }
        case "RunComplete":
          await this.finishRun(tx, run, "Completed", { output: op.data ?? null }, now);
          return;
        default: {
          const step = op.displayName ?? op.name ?? op.id;
          const error = {
            name: "UnsupportedOperation",
            message: `op ${op.op} (step "${step}") is not supported by the local engine`,
          };
          await this.finishRun(tx, run, "Failed", { error }, now);
          return;
        }
      }
    }
    await this.saveProgress(tx, run, newSteps, completed, run.disable_immediate_execution || ops.length > 1, now);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunView[]> {
    const rows = await this.sql<RunRow[]>`
      select * from runs
      where (${filter.functionId ?? null}::text is null or function_id = ${filter.functionId ?? null})
        and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
        and (${filter.eventId ?? null}::text is null or event_id = ${filter.eventId ?? null})
      order by created_at, id
      limit 1000`;
    return rows.map(toView);
  }

  async getRun(runId: string): Promise<RunView | undefined> {
    const [row] = await this.sql<RunRow[]>`select * from runs where id = ${runId}`;
    return row && toView(row);
  }
}

export class RegistrationError extends Error {
  override name = "RegistrationError";
}

/** Trigger names are exact, except a trailing "/*" or "*" wildcard such as "app/*". */
function matchesEventName(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}
