import { Executor } from "./executor";
import { newUlid } from "./ids";
import type { PlatformLimits } from "./limits";
import { Registry } from "./registry";
import { RunLifecycle } from "./runs";
import { Scheduler } from "./scheduler";
import type { EventPayload, RunRow, RunStatus, StepValue } from "./schema";
import { Store, type RunFilter } from "./store";

export type { RunFilter } from "./store";

export interface EngineConfig {
  databaseUrl: string;
  schema: string;
  now: () => Date;
  retryBackoffMs: (attempt: number) => number;
  pollIntervalMs: number;
  dueBatchSize: number;
  limits: PlatformLimits;
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

/** Wires the parts together: the registry (synced apps), the run lifecycle, the scheduler and the executor. */
export class Engine {
  private constructor(
    private readonly store: Store,
    readonly registry: Registry,
    private readonly lifecycle: RunLifecycle,
    private readonly scheduler: Scheduler,
    readonly limits: PlatformLimits,
    private readonly now: () => Date,
  ) {}

  static async start(config: EngineConfig): Promise<Engine> {
    const store = await Store.open(config.databaseUrl, config.schema);
    const registry = new Registry(store, config.now, config.log);
    await registry.load();
    const lifecycle = new RunLifecycle(registry, config.log);
    const executor = new Executor(store, lifecycle, config);
    const scheduler = new Scheduler(store, registry, lifecycle, executor, config);
    scheduler.start();
    return new Engine(store, registry, lifecycle, scheduler, config.limits, config.now);
  }

  async close(): Promise<void> {
    await this.scheduler.close();
    await this.store.close();
  }

  /** Stores and routes events; ids already seen within 24 h are acknowledged but not routed again. */
  async ingest(events: IncomingEvent[], idFor: (index: number) => string | undefined): Promise<string[]> {
    const now = this.now();
    const payloads = events.map((incoming, index): EventPayload => ({
      id: incoming.id ?? idFor(index) ?? newUlid(now),
      name: incoming.name,
      data: incoming.data ?? {},
      ts: incoming.ts ?? now.getTime(),
      user: incoming.user ?? {},
      ...(incoming.v === undefined ? {} : { v: incoming.v }),
    }));
    await this.store.transaction((tx) => this.lifecycle.route(tx, payloads, now));
    this.scheduler.kick();
    return payloads.map((payload) => payload.id);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunView[]> {
    return (await this.store.listRuns(filter)).map(toView);
  }

  async getRun(runId: string): Promise<RunView | undefined> {
    const row = await this.store.getRun(runId);
    return row && toView(row);
  }
}
