import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { principalPacing } from "@/db/schema";
import { testDb, testDeps } from "@/test/db";
import { maxRequestsInWindow, shareOfLimit } from "@/test/pipeline/rate-window";
import { seededRandom } from "@/test/pipeline/seeded-random";
import {
  endRequestTurn,
  pacingIntervalMs,
  pacingWindowMs,
  principalKeyOf,
  requestTurn,
  reserveRequestStart,
  uploadsInFlightPerPrincipal,
  waitForRequestStart,
} from "./pacing";

const MINUTE_MS = 6000;
const INTERVAL_MS = pacingIntervalMs(MINUTE_MS);

function scopeAt(now: () => Date) {
  return { db: testDb, deps: testDeps({ now }) };
}

describe("principalKeyOf", () => {
  it("keys Sentinel's budget by cloud, tenant and client id, whatever their case", () => {
    const principal = { azureCloud: "public" as const, tenantId: "TENANT-A", clientId: "Client-1" };
    expect(principalKeyOf(principal)).toBe("public:tenant-a:client-1");
    expect(principalKeyOf({ ...principal, azureCloud: "usgov" })).not.toBe(principalKeyOf(principal));
    expect(principalKeyOf({ ...principal, clientId: "client-2" })).not.toBe(principalKeyOf(principal));
  });
});

describe("uploadsInFlightPerPrincipal", () => {
  it("covers an upload slower than the interval at the real minute with a few waiting their turn", () => {
    expect(uploadsInFlightPerPrincipal(60_000)).toBe(4);
  });

  it("grows as a scaled minute shortens the interval, up to a bound", () => {
    expect(uploadsInFlightPerPrincipal(6000)).toBe(32);
    expect(uploadsInFlightPerPrincipal(1000)).toBe(32);
    expect(uploadsInFlightPerPrincipal(10 * 60_000)).toBe(1);
  });
});

describe("reserveRequestStart", () => {
  const claim = (scope: ReturnType<typeof scopeAt>, principalKey: string) =>
    reserveRequestStart(scope, { principalKey, minuteMs: MINUTE_MS }).then((start) => start.getTime());

  it("keeps a margin of 1% of the minute", () => {
    expect(pacingWindowMs(60_000)).toBe(60_600);
    expect(pacingWindowMs(6000)).toBe(6060);
  });

  it("never lets 100 starts of one principal fall within a minute, and sustains the window's rate", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const starts: number[] = [];
    for (let request = 0; request < 301; request++) starts.push(await claim(scope, principalKey));

    for (let index = 100; index < starts.length; index++) {
      expect((starts[index] ?? 0) - (starts[index - 100] ?? 0)).toBeGreaterThanOrEqual(pacingWindowMs(MINUTE_MS));
    }
    expect(maxRequestsInWindow(starts, MINUTE_MS)).toBeLessThanOrEqual(100);
    // Once the first window is full, every 100 intervals take the window: 99 requests a 6-second minute.
    const sustained = starts.slice(100);
    expect(((sustained.length - 1) / ((sustained.at(-1) ?? 0) - (sustained[0] ?? 0))) * MINUTE_MS).toBeCloseTo(
      (100 * MINUTE_MS) / pacingWindowMs(MINUTE_MS),
      1,
    );
  });

  it("paces a principal's first 100 starts at the sustained interval, with no burst", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const starts = [];
    for (let request = 0; request < 5; request++) starts.push(await claim(scope, principalKey));
    expect(starts[0]).toBe(now.getTime());
    for (let index = 1; index < starts.length; index++) {
      expect((starts[index] ?? 0) - (starts[index - 1] ?? 0)).toBe(Math.ceil(INTERVAL_MS));
    }
  });

  it("makes up for a stall: starts claimed late leave room that the next ones use", async () => {
    let now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    // A steady principal: each request claimed as its turn comes, one sustained interval apart.
    for (let request = 0; request < 100; request++) {
      const start = await claim(scope, principalKey);
      now = new Date(start + INTERVAL_MS);
    }
    // Then nothing is claimed for ten intervals, and a backlog arrives at once.
    now = new Date(now.getTime() + 10 * INTERVAL_MS);
    const stalledAt = now.getTime();
    const backlog = [];
    for (let request = 0; request < 10; request++) backlog.push(await claim(scope, principalKey));

    // At the fixed spacing the ten would have taken nine intervals; the window lets them through 1.5 times faster.
    expect((backlog.at(-1) ?? 0) - stalledAt).toBeLessThanOrEqual(6.1 * INTERVAL_MS);
    expect(backlog[0]).toBe(stalledAt);
  });

  it("starts at once after the principal was idle for longer than a minute", async () => {
    let now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    for (let request = 0; request < 150; request++) await claim(scope, principalKey);
    now = new Date(now.getTime() + 10 * MINUTE_MS);
    expect(await claim(scope, principalKey)).toBe(now.getTime());
  });

  it("gives every concurrent caller its own start within the window, as services sharing a principal in other processes would", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const principalKey = `test:${randomUUID()}`;
    const starts = await Promise.all(
      Array.from({ length: 120 }, () =>
        claim(
          scopeAt(() => now),
          principalKey,
        ),
      ),
    );
    const sorted = [...starts].sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(120);
    expect(maxRequestsInWindow(sorted, pacingWindowMs(MINUTE_MS))).toBeLessThanOrEqual(100);
    expect(maxRequestsInWindow(sorted, MINUTE_MS)).toBeLessThanOrEqual(100);
  });

  it("keeps principals independent", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const first = await claim(scope, `test:${randomUUID()}`);
    const second = await claim(scope, `test:${randomUUID()}`);
    expect(second).toBe(first);
  });
});

describe("endRequestTurn", () => {
  const claim = (scope: ReturnType<typeof scopeAt>, principalKey: string) =>
    reserveRequestStart(scope, { principalKey, minuteMs: MINUTE_MS });
  const windowOf = async (principalKey: string) => {
    const [row] = await testDb
      .select({ times: principalPacing.recentStarts })
      .from(principalPacing)
      .where(eq(principalPacing.principalKey, principalKey));
    return (row?.times ?? []).map((time) => time.getTime());
  };

  it("paces later starts from a request's answer, not its claimed start", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const starts: Date[] = [];
    for (let request = 0; request < 100; request++) starts.push(await claim(scope, principalKey));
    // Every request reached Sentinel late, on a busy machine, and was answered two seconds after its start.
    for (const startAt of starts) {
      await endRequestTurn(scope, { principalKey, startAt, answeredAt: new Date(startAt.getTime() + 2000) });
    }

    const next = await claim(scope, principalKey);
    expect(next.getTime()).toBe((starts[0]?.getTime() ?? 0) + 2000 + pacingWindowMs(MINUTE_MS));
    expect(await windowOf(principalKey)).toEqual([...(await windowOf(principalKey))].sort((a, b) => a - b));
  });

  it("gives back the place of a request that was never sent", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const starts: Date[] = [];
    for (let request = 0; request < 100; request++) starts.push(await claim(scope, principalKey));
    await endRequestTurn(scope, { principalKey, startAt: starts[0] ?? now, answeredAt: null });

    expect(await windowOf(principalKey)).toHaveLength(99);
    // 99 requests in the window: the next start is bound only by the spacing after the last one.
    const next = await claim(scope, principalKey);
    expect(next.getTime()).toBe((starts.at(-1)?.getTime() ?? 0) + Math.ceil(INTERVAL_MS));
  });

  it("keeps the window in order when an answer comes after later starts, and ignores a start no longer in it", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const [first, second, third] = [
      await claim(scope, principalKey),
      await claim(scope, principalKey),
      await claim(scope, principalKey),
    ];
    const late = new Date((third?.getTime() ?? 0) + 500);
    await endRequestTurn(scope, { principalKey, startAt: first ?? now, answeredAt: late });
    expect(await windowOf(principalKey)).toEqual([second?.getTime(), third?.getTime(), late.getTime()]);

    await endRequestTurn(scope, { principalKey, startAt: new Date("2025-01-01T00:00:00.000Z"), answeredAt: now });
    expect(await windowOf(principalKey)).toEqual([second?.getTime(), third?.getTime(), late.getTime()]);
  });

  it("never lets 100 requests reach Sentinel within a minute, however late each one arrives after its start", async () => {
    const seed = 15;
    const random = seededRandom(seed);
    const principalKey = `test:${randomUUID()}`;
    let now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    // 32 uploads in flight, each arriving up to 800 ms after its start and answered 20 ms later: the delays a
    // loaded machine put between a claimed start and its arrival, far over the window's 60 ms margin.
    type Pending = { at: number; startAt: Date; arrival: number };
    const pending: Pending[] = [];
    const arrivals: number[] = [];
    const send = async () => {
      const startAt = await claim(scope, principalKey);
      const arrival = startAt.getTime() + Math.floor(random() * 800);
      pending.push({ at: arrival + 20, startAt, arrival });
    };
    for (let upload = 0; upload < 32; upload++) await send();
    while (arrivals.length < 600) {
      pending.sort((a, b) => a.at - b.at);
      const answered = pending.shift();
      if (!answered) break;
      now = new Date(answered.at);
      arrivals.push(answered.arrival);
      await endRequestTurn(scope, { principalKey, startAt: answered.startAt, answeredAt: now });
      await send();
    }

    expect(maxRequestsInWindow(arrivals, MINUTE_MS), `seed ${seed}`).toBeLessThanOrEqual(100);
    // The window still sends most of the budget: the delays cost their length once per 100 requests.
    expect(shareOfLimit(arrivals.slice(100), MINUTE_MS)).toBeGreaterThan(0.9);
  });
});

describe("requestTurn", () => {
  it("ends nothing when no start was claimed, and gives back a claimed start never used", async () => {
    const scope = scopeAt(() => new Date());
    const principalKey = `test:${randomUUID()}`;
    const windowOf = async () => {
      const [row] = await testDb
        .select({ times: principalPacing.recentStarts })
        .from(principalPacing)
        .where(eq(principalPacing.principalKey, principalKey));
      return row?.times.length;
    };
    const failedBeforeItsTurn = requestTurn(scope, { principalKey, minuteMs: 60_000 });
    await failedBeforeItsTurn.end(new Date());
    expect(await windowOf()).toBeUndefined();

    const cancelledWhileWaiting = requestTurn(scope, { principalKey, minuteMs: 60_000 });
    await cancelledWhileWaiting.wait();
    expect([await windowOf(), cancelledWhileWaiting.waitedMs()]).toEqual([1, 0]);
    await cancelledWhileWaiting.end(null);
    expect(await windowOf()).toBe(0);
  });
});

describe("waitForRequestStart", () => {
  it("waits until the reserved start and says how long it waited", async () => {
    const scope = scopeAt(() => new Date());
    const principalKey = `test:${randomUUID()}`;
    expect((await waitForRequestStart(scope, { principalKey, minuteMs: 60_000 })).waitedMs).toBe(0);
    const startedAt = Date.now();
    const { waitedMs } = await waitForRequestStart(scope, { principalKey, minuteMs: 60_000 });
    expect(waitedMs).toBeGreaterThan(pacingIntervalMs(60_000) - 100);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(waitedMs - 5);
  });
});
