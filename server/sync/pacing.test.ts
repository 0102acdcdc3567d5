import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDb, testDeps } from "@/test/db";
import {
  pacingIntervalMs,
  principalKeyOf,
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
    expect(uploadsInFlightPerPrincipal(6000)).toBe(8);
    expect(uploadsInFlightPerPrincipal(1000)).toBe(8);
    expect(uploadsInFlightPerPrincipal(10 * 60_000)).toBe(1);
  });
});

describe("reserveRequestStart", () => {
  it("spaces the starts of one principal by a minute over 98, below Sentinel's 100", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    const starts = [];
    for (let request = 0; request < 3; request++)
      starts.push((await reserveRequestStart(scope, { principalKey, minuteMs: MINUTE_MS })).getTime());
    expect(starts).toEqual([now.getTime(), now.getTime() + INTERVAL_MS, now.getTime() + 2 * INTERVAL_MS]);
    expect(MINUTE_MS / INTERVAL_MS).toBeLessThanOrEqual(98);
  });

  it("starts at once after the principal was idle for longer than an interval", async () => {
    let now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const principalKey = `test:${randomUUID()}`;
    await reserveRequestStart(scope, { principalKey, minuteMs: MINUTE_MS });
    now = new Date(now.getTime() + 10 * INTERVAL_MS);
    expect((await reserveRequestStart(scope, { principalKey, minuteMs: MINUTE_MS })).getTime()).toBe(now.getTime());
  });

  it("gives every concurrent caller its own slot, as services sharing a principal in other processes would", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const principalKey = `test:${randomUUID()}`;
    const starts = await Promise.all(
      Array.from({ length: 20 }, () =>
        reserveRequestStart(
          scopeAt(() => now),
          { principalKey, minuteMs: MINUTE_MS },
        ),
      ),
    );
    const sorted = starts.map((start) => start.getTime()).sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(20);
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBe(19 * INTERVAL_MS);
  });

  it("keeps principals independent", async () => {
    const now = new Date("2026-01-01T00:00:00.000Z");
    const scope = scopeAt(() => now);
    const first = await reserveRequestStart(scope, { principalKey: `test:${randomUUID()}`, minuteMs: MINUTE_MS });
    const second = await reserveRequestStart(scope, { principalKey: `test:${randomUUID()}`, minuteMs: MINUTE_MS });
    expect(second.getTime()).toBe(first.getTime());
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
