import { describe, expect, it } from "vitest";
import { decide, generationFor, keepAliveHorizon, nextModified, type LastSent } from "./decide";

const horizon = new Date("2026-01-02T01:00:00Z");
const sent = (overrides: Partial<LastSent> = {}): LastSent => ({
  revocationGeneration: 0,
  revoked: false,
  contentHash: "hash-a",
  validUntil: new Date("2026-02-01T00:00:00Z"),
  ...overrides,
});

describe("decide", () => {
  it("sends what was never sent under generation 0", () => {
    expect(decide(undefined, "hash-a", horizon)).toEqual({ send: true, reason: "new", revocationGeneration: 0 });
  });

  it("skips an unchanged object that stays valid past the next run", () => {
    expect(decide(sent(), "hash-a", horizon)).toEqual({ send: false });
  });

  it("sends a changed object under the same id", () => {
    expect(decide(sent({ revocationGeneration: 2 }), "hash-b", horizon)).toEqual({
      send: true,
      reason: "changed",
      revocationGeneration: 2,
    });
  });

  it("keeps alive an unchanged object whose valid_until passes before the horizon", () => {
    expect(decide(sent({ validUntil: horizon }), "hash-a", horizon)).toEqual({
      send: true,
      reason: "keep_alive",
      revocationGeneration: 0,
    });
  });

  it("sends a revoked object that matches again under the next generation, never the revoked id", () => {
    const revoked = sent({ revoked: true, revocationGeneration: 1 });
    expect(generationFor(revoked)).toBe(2);
    expect(decide(revoked, "hash-a", horizon)).toEqual({ send: true, reason: "new", revocationGeneration: 2 });
  });
});

describe("nextModified", () => {
  it("keeps a later candidate and otherwise goes one millisecond past the last one sent", () => {
    const last = new Date("2026-01-01T00:00:00.000Z");
    expect(nextModified(new Date("2026-01-01T00:00:05Z"), last).toISOString()).toBe("2026-01-01T00:00:05.000Z");
    expect(nextModified(new Date("2025-06-01T00:00:00Z"), last).toISOString()).toBe("2026-01-01T00:00:00.001Z");
    expect(nextModified(last, last).toISOString()).toBe("2026-01-01T00:00:00.001Z");
    expect(nextModified(last, undefined)).toBe(last);
  });
});

describe("keepAliveHorizon", () => {
  it("is the next scheduled run plus an hour of slack", () => {
    expect(keepAliveHorizon(new Date("2026-01-01T00:00:00Z"), 24).toISOString()).toBe("2026-01-02T01:00:00.000Z");
  });
});
