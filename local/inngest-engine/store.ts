import type { FunctionDefinition } from "./function-config";
import {
  asJson,
  connect,
  createSchema,
  type EventPayload,
  type Queryable,
  type QueueItemKind,
  type QueueItemRow,
  type RunRow,
  type RunStatus,
  type Sql,
  type StepValue,
} from "./schema";

export type DueItem = QueueItemRow & {
  function_id: string;
  concurrency_keys: string[];
  event: EventPayload;
};

export interface RunFilter {
  functionId?: string;
  status?: RunStatus;
  eventId?: string;
}

export interface CronSchedule {
  function_id: string;
  cron: string;
  next_at: Date;
}

export interface CancelPause {
  run_id: string;
  expression: string | null;
  run_event: EventPayload;
}

/** Only the first due items of any one function and concurrency key are read: the rest could not start anyway. */
const DUE_ITEMS_PER_KEY = 64;
/** Work of a run already under way sorts by the run's creation, as in Inngest's queue, so older runs finish first. */
const RUN_ORDER_FUTURE_LIMIT_MS = 2000;

/**
 * Every SQL statement of the engine. `Queries` runs them on a connection or inside a transaction;
 * `Store` adds the transaction boundary and owns the pool.
 */
export class Queries {
  constructor(protected readonly sql: Queryable) {}

  async loadFunctions(): Promise<FunctionDefinition[]> {
    const rows = await this.sql<{ definition: FunctionDefinition }[]>`select definition from functions order by id`;
    return rows.map((row) => row.definition);
  }

  async appFunctions(appName: string): Promise<Map<string, FunctionDefinition>> {
    const rows = await this.sql<{ id: string; definition: FunctionDefinition }[]>`
      select id, definition from functions where app_name = ${appName}`;
    return new Map(rows.map((row) => [row.id, row.definition]));
  }

  /** Replaces the app's functions and drops the cron schedules of crons no function declares any more. */
  async replaceApp(app: { name: string; url: string; syncedAt: Date }, definitions: FunctionDefinition[]) {
    await this.sql`
      insert into apps (name, url, synced_at) values (${app.name}, ${app.url}, ${app.syncedAt})
      on conflict (name) do update set url = excluded.url, synced_at = excluded.synced_at`;
    await this.sql`delete from functions where app_name = ${app.name}`;
    for (const fn of definitions) {
      await this.sql`
        insert into functions (id, app_name, definition) values (${fn.id}, ${fn.appName}, ${this.sql.json(asJson(fn))})
        on conflict (id) do update set app_name = excluded.app_name, definition = excluded.definition`;
    }
    await this.sql`
      delete from cron_schedules c
      where not exists (
        select 1 from functions f where f.id = c.function_id and f.definition -> 'crons' ? c.cron
      )`;
  }

  async addCronSchedule(functionId: string, cron: string, nextAt: Date): Promise<void> {
    await this.sql`
      insert into cron_schedules (function_id, cron, next_at) values (${functionId}, ${cron}, ${nextAt})
      on conflict do nothing`;
  }

  async dueCronSchedules(now: Date): Promise<CronSchedule[]> {
    return this.sql<CronSchedule[]>`select function_id, cron, next_at from cron_schedules where next_at <= ${now}`;
  }

  /** Moves a schedule to its next time, or removes it when the cron has none. */
  async advanceCronSchedule(schedule: CronSchedule, next: Date | undefined): Promise<void> {
    if (next) {
      await this.sql`
        update cron_schedules set next_at = ${next}
        where function_id = ${schedule.function_id} and cron = ${schedule.cron}`;
    } else {
      await this
        .sql`delete from cron_schedules where function_id = ${schedule.function_id} and cron = ${schedule.cron}`;
    }
  }

  /** The ids that were new; an id already stored (within the dedupe window) is left out. */
  async insertEvents(events: EventPayload[], receivedAt: Date): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = events.map((event) => ({ id: event.id, name: event.name, payload: event }));
    const inserted = await this.sql<{ id: string }[]>`
      insert into events (id, name, payload, received_at)
      select id, name, payload, ${receivedAt}
      from jsonb_to_recordset(${this.sql.json(asJson(rows))}) as incoming (id text, name text, payload jsonb)
      on conflict (id) do nothing
      returning id`;
    return new Set(inserted.map((row) => row.id));
  }

  async purgeEvents(receivedBefore: Date): Promise<void> {
    await this.sql`delete from events where received_at < ${receivedBefore}`;
  }

  /** Inserts a queued run together with the queue item that starts it. */
  async insertRun(run: {
    id: string;
    functionId: string;
    event: EventPayload;
    concurrencyKeys: string[];
    stateBytes: number;
    createdAt: Date;
  }): Promise<void> {
    await this.sql`
      with run as (
        insert into runs (id, function_id, status, event_id, event, events, concurrency_keys, state_bytes, created_at)
        values (${run.id}, ${run.functionId}, 'Queued', ${run.event.id}, ${this.sql.json(asJson(run.event))},
                ${this.sql.json(asJson([run.event]))}, ${this.sql.json(asJson(run.concurrencyKeys))}, ${run.stateBytes},
                ${run.createdAt})
        returning id
      )
      insert into queue_items (run_id, kind, step_id, attempt, run_at)
      select id, 'start', 'step', 0, ${run.createdAt} from run`;
  }

  async getRun(runId: string): Promise<RunRow | undefined> {
    const [run] = await this.sql<RunRow[]>`select * from runs where id = ${runId}`;
    return run;
  }

  /** Only inside a transaction: holds the run until it commits, so concurrent outcomes apply one at a time. */
  async lockRun(runId: string): Promise<RunRow | undefined> {
    const [run] = await this.sql<RunRow[]>`select * from runs where id = ${runId} for update`;
    return run;
  }

  async listRuns(filter: RunFilter): Promise<RunRow[]> {
    return this.sql<RunRow[]>`
      select * from runs
      where (${filter.functionId ?? null}::text is null or function_id = ${filter.functionId ?? null})
        and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
        and (${filter.eventId ?? null}::text is null or event_id = ${filter.eventId ?? null})
      order by created_at, id
      limit 1000`;
  }

  async markRunning(runId: string, startedAt: Date): Promise<void> {
    await this.sql`update runs set status = 'Running', started_at = ${startedAt} where id = ${runId}`;
  }

  async saveSteps(
    runId: string,
    progress: {
      steps: Record<string, StepValue>;
      stack: string[];
      disableImmediateExecution: boolean;
      stateBytes: number;
    },
  ): Promise<void> {
    await this.sql`
      update runs set steps = ${this.sql.json(asJson(progress.steps))}, stack = ${this.sql.json(asJson(progress.stack))},
                      disable_immediate_execution = ${progress.disableImmediateExecution},
                      state_bytes = ${progress.stateBytes}
      where id = ${runId}`;
  }

  /** Records the terminal state and drops everything still scheduled for the run. */
  async finishRun(
    runId: string,
    status: "Completed" | "Failed" | "Cancelled",
    result: { output?: unknown; error?: unknown },
    endedAt: Date,
  ): Promise<void> {
    await this.sql`
      update runs set status = ${status}, output = ${this.sql.json(asJson(result.output))},
                      error = ${this.sql.json(asJson(result.error))}, ended_at = ${endedAt}
      where id = ${runId}`;
    await this.sql`delete from queue_items where run_id = ${runId}`;
    await this.sql`delete from cancel_pauses where run_id = ${runId}`;
  }

  async enqueue(item: { runId: string; kind: QueueItemKind; stepId: string; runAt: Date }): Promise<void> {
    await this.sql`
      insert into queue_items (run_id, kind, step_id, attempt, run_at)
      values (${item.runId}, ${item.kind}, ${item.stepId}, 0, ${item.runAt})
      on conflict (run_id, step_id) do nothing`;
  }

  /** Asks for discovery once nothing else of the run is pending (the rest of a parallel group, a sleep). */
  async enqueueDiscoveryIfIdle(runId: string, runAt: Date): Promise<void> {
    await this.sql`
      insert into queue_items (run_id, kind, step_id, attempt, run_at)
      select ${runId}, 'discovery', 'step', 0, ${runAt}
      where not exists (select 1 from queue_items where run_id = ${runId})
      on conflict (run_id, step_id) do nothing`;
  }

  /**
   * Due work in Inngest's queue order: first attempts of a run already under way sort by the run's creation
   * (runs created in the same millisecond in the order they were created), retries and sleeps by their own time. Per function and concurrency key only the first items are read,
   * so a long queue behind one busy key never hides the work of other keys.
   */
  async dueItems(now: Date, limit: number): Promise<DueItem[]> {
    const runOrderLimit = new Date(now.getTime() + RUN_ORDER_FUTURE_LIMIT_MS);
    return this.sql<DueItem[]>`
      select id, run_id, kind, step_id, attempt, run_at, function_id, concurrency_keys, event
      from (
        select q.id, q.run_id, q.kind, q.step_id, q.attempt, q.run_at, r.function_id, r.concurrency_keys, r.event,
               s.score,
               r.seq as run_seq,
               row_number() over (
                 partition by r.function_id, case when q.kind = 'sleep' then q.id::text else r.concurrency_keys::text end
                 order by s.score, r.seq, q.id
               ) as position
        from queue_items q
        join runs r on r.id = q.run_id
        cross join lateral (
          select case when q.attempt = 0 and q.kind <> 'sleep' and q.run_at <= ${runOrderLimit}
                      then least(r.created_at, q.run_at) else q.run_at end as score
        ) s
        where q.run_at <= ${now}
      ) due
      where position <= ${DUE_ITEMS_PER_KEY}
      order by score, run_seq, id
      limit ${limit}`;
  }

  async deleteQueueItem(itemId: string): Promise<void> {
    await this.sql`delete from queue_items where id = ${itemId}`;
  }

  async startDiscovery(itemId: string): Promise<void> {
    await this.sql`update queue_items set kind = 'discovery' where id = ${itemId}`;
  }

  async rescheduleItem(itemId: string, runAt: Date, attempt?: number): Promise<void> {
    await this.sql`
      update queue_items set run_at = ${runAt}, attempt = coalesce(${attempt ?? null}::int, attempt)
      where id = ${itemId}`;
  }

  async insertCancelPause(pause: { runId: string; eventName: string; expression?: string; expiresAt: Date }) {
    await this.sql`
      insert into cancel_pauses (run_id, event_name, expression, expires_at)
      values (${pause.runId}, ${pause.eventName}, ${pause.expression ?? null}, ${pause.expiresAt})`;
  }

  async pausedEventNames(now: Date): Promise<Set<string>> {
    const rows = await this.sql<{ event_name: string }[]>`
      select distinct event_name from cancel_pauses where expires_at > ${now}`;
    return new Set(rows.map((row) => row.event_name));
  }

  async activeCancelPauses(eventName: string, now: Date): Promise<CancelPause[]> {
    return this.sql<CancelPause[]>`
      select p.run_id, p.expression, r.event as run_event
      from cancel_pauses p join runs r on r.id = p.run_id
      where p.event_name = ${eventName} and p.expires_at > ${now}
      order by p.id`;
  }

  async purgeCancelPauses(now: Date): Promise<void> {
    await this.sql`delete from cancel_pauses where expires_at <= ${now}`;
  }

  /**
   * GCRA (generic cell rate algorithm) shared by throttle and rate limit: `capacity` starts are admitted at
   * once from idle, then one every `periodMs / limit`. Returns undefined when admitted (and records it), or
   * the earliest time a start could be admitted.
   */
  async admitGcra(
    key: string,
    options: { limit: number; periodMs: number; capacity: number; nowMs: number },
  ): Promise<number | undefined> {
    const emission = options.periodMs / Math.max(options.limit, 1);
    const [state] = await this.sql<{ tat_ms: number }[]>`select tat_ms from limiter_state where key = ${key}`;
    const tat = Math.max(state?.tat_ms ?? options.nowMs, options.nowMs);
    const newTat = tat + emission;
    const allowAt = newTat - emission * options.capacity;
    if (allowAt > options.nowMs) return allowAt;
    await this.sql`
      insert into limiter_state (key, tat_ms) values (${key}, ${newTat})
      on conflict (key) do update set tat_ms = excluded.tat_ms`;
    return undefined;
  }
}

export class Store extends Queries {
  private readonly pool: Sql;

  private constructor(pool: Sql) {
    super(pool);
    this.pool = pool;
  }

  static async open(databaseUrl: string, schema: string): Promise<Store> {
    const pool = connect(databaseUrl, schema);
    await createSchema(pool, schema);
    return new Store(pool);
  }

  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.pool.begin((tx) => work(new Queries(tx))) as Promise<T>;
  }

  close(): Promise<void> {
    return this.pool.end({ timeout: 5 });
  }
}
