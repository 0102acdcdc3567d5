import { evaluateKey } from "./expressions";
import { nextCronTime, type FunctionDefinition } from "./function-config";
import { newUlid } from "./ids";
import type { Executor } from "./executor";
import type { Registry } from "./registry";
import { errorOf, type RunLifecycle } from "./runs";
import type { EventPayload } from "./schema";
import type { DueItem, Store } from "./store";

export interface SchedulerConfig {
  now: () => Date;
  pollIntervalMs: number;
  /** How many due queue items one tick reads. */
  dueBatchSize: number;
  log: (message: string) => void;
}

const SCHEDULED_EVENT = "inngest/scheduled.timer";
const EVENT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
const EVENT_PURGE_INTERVAL_MS = 60_000;
const MAX_IN_FLIGHT = 64;

/**
 * The engine's one loop: fires due crons, then hands due queue items to the executor within the flow-control
 * limits that apply when work starts (concurrency slots per in-flight request, throttle on run starts).
 * One engine process per schema, because the slots live in this process's memory.
 */
export class Scheduler {
  private readonly inFlight = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  /**
   * Items whose dispatch has finished stay in `inFlight` until the next tick starts: a tick that read the
   * queue before the dispatch committed its outcome would otherwise send the same item a second time.
   */
  private readonly settledItems = new Set<string>();
  private readonly slotsInUse = new Map<string, number>();
  /**
   * When each concurrency slot was last released, as a counter. A slot freed after a tick began is left for the
   * next tick: this tick's read may not hold the work the finished request enqueued (the same run's next step),
   * which Inngest's queue order puts ahead of newer runs waiting for that slot.
   */
  private readonly slotReleases = new Map<string, number>();
  private releaseCounter = 0;
  private timer: NodeJS.Timeout | undefined;
  private isTicking = false;
  private isTickRequested = false;
  private isClosed = false;
  private lastEventPurgeMs = 0;
  private lastHousekeepingMs = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly lifecycle: RunLifecycle,
    private readonly executor: Executor,
    private readonly config: SchedulerConfig,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.timer);
    for (const { abort } of this.inFlight.values()) abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map(({ promise }) => promise));
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
    // Read before the clock: a slot released before this point belongs to work whose next item is due by `now`.
    const readAt = this.releaseCounter;
    const now = this.config.now();
    // Ticks kicked by finished work come back to back; crons and expiry need looking at once per poll interval.
    if (Date.now() - this.lastHousekeepingMs >= this.config.pollIntervalMs) {
      this.lastHousekeepingMs = Date.now();
      await this.fireCrons(now);
      await this.purgeExpired(now);
    }
    const due = await this.store.dueItems(now, this.config.dueBatchSize);
    const throttledKeys = new Set<string>();
    for (const item of due) {
      const dispatching = this.inFlight.size - this.settledItems.size;
      if (this.isClosed || dispatching >= MAX_IN_FLIGHT) return;
      if (this.inFlight.has(item.id)) continue;
      const fn = this.registry.get(item.function_id);
      if (!fn) {
        await this.executor.failUnregistered(item);
        continue;
      }
      if (item.kind === "sleep") {
        await this.executor.resumeAfterSleep(item);
        continue;
      }
      const slots = this.slotKeys(fn, item);
      const isSlotFree = ([key, limit]: [string, number]) =>
        (this.slotsInUse.get(key) ?? 0) < limit && (this.slotReleases.get(key) ?? 0) <= readAt;
      if (!slots.every(isSlotFree)) continue;
      if (item.kind === "start" && fn.throttle) {
        const throttleKey = `throttle:${fn.id}:${fn.throttle.key ? evaluateKey(fn.throttle.key, { event: item.event }) : ""}`;
        if (throttledKeys.has(throttleKey)) continue;
        const capacity = fn.throttle.limit + fn.throttle.burst;
        const retryAt = await this.store.admitGcra(throttleKey, { ...fn.throttle, capacity, nowMs: now.getTime() });
        if (retryAt !== undefined) {
          // Later starts with the same key wait behind this one: throttled runs are released FIFO.
          throttledKeys.add(throttleKey);
          continue;
        }
      }
      this.startDispatch(item, fn, slots);
    }
  }

  private startDispatch(item: DueItem, fn: FunctionDefinition, slots: [string, number][]): void {
    for (const [key] of slots) this.slotsInUse.set(key, (this.slotsInUse.get(key) ?? 0) + 1);
    const abort = new AbortController();
    const promise = this.executor
      .dispatch(item, fn, abort.signal, () => this.isClosed)
      .finally(() => {
        this.releaseCounter += 1;
        for (const [key] of slots) {
          this.slotsInUse.set(key, (this.slotsInUse.get(key) ?? 1) - 1);
          this.slotReleases.set(key, this.releaseCounter);
        }
        this.settledItems.add(item.id);
        this.kick();
      });
    this.inFlight.set(item.id, { promise, abort });
  }

  private slotKeys(fn: FunctionDefinition, item: DueItem): [string, number][] {
    return fn.concurrency.flatMap((limit, index): [string, number][] => {
      const key = item.concurrency_keys[index];
      return key === undefined ? [] : [[key, limit.limit]];
    });
  }

  private async fireCrons(now: Date): Promise<void> {
    for (const schedule of await this.store.dueCronSchedules(now)) {
      const fn = this.registry.get(schedule.function_id);
      await this.store.transaction(async (tx) => {
        await tx.advanceCronSchedule(schedule, nextCronTime(schedule.cron, now));
        if (!fn) return;
        const event: EventPayload = {
          id: newUlid(now),
          name: SCHEDULED_EVENT,
          data: { cron: schedule.cron, scheduledAt: schedule.next_at.toISOString(), fireAt: now.toISOString() },
          ts: now.getTime(),
          user: {},
        };
        await tx.insertEvents([event], now);
        await this.lifecycle.createRun(tx, fn, event, now);
      });
    }
  }

  private async purgeExpired(now: Date): Promise<void> {
    await this.store.purgeCancelPauses(now);
    if (now.getTime() - this.lastEventPurgeMs < EVENT_PURGE_INTERVAL_MS) return;
    this.lastEventPurgeMs = now.getTime();
    await this.store.purgeEvents(new Date(now.getTime() - EVENT_DEDUPE_WINDOW_MS));
  }
}
