import { describe, expect, it } from "vitest";
import { parseDurationMs, parseRetryAfter, resolveWakeTime } from "./time-string";

const now = new Date("2030-01-01T00:00:00.000Z");

describe("time strings", () => {
  it("parses the SDK's concatenated durations", () => {
    expect(parseDurationMs("1d2h3m4s")).toBe(((24 + 2) * 60 * 60 + 3 * 60 + 4) * 1000);
    expect(parseDurationMs("1w")).toBe(7 * 24 * 60 * 60 * 1000);
    expect(parseDurationMs("250ms")).toBe(250);
  });

  it("rejects anything that is not a duration, quoting it", () => {
    expect(() => parseDurationMs("soon")).toThrow('"soon" is not a duration');
    expect(() => parseDurationMs("5")).toThrow('"5" is not a duration');
  });

  it("resolves Sleep targets given as durations or ISO dates", () => {
    expect(resolveWakeTime("5m", now).toISOString()).toBe("2030-01-01T00:05:00.000Z");
    expect(resolveWakeTime("2030-02-01T00:00:00.000Z", now).toISOString()).toBe("2030-02-01T00:00:00.000Z");
    expect(() => resolveWakeTime("tomorrow-ish", now)).toThrow("neither a duration nor an ISO date");
  });

  it("reads retry-after as seconds or a date, and ignores garbage", () => {
    expect(parseRetryAfter("2", now)?.toISOString()).toBe("2030-01-01T00:00:02.000Z");
    expect(parseRetryAfter("2030-01-01T01:00:00Z", now)?.toISOString()).toBe("2030-01-01T01:00:00.000Z");
    expect(parseRetryAfter("later", now)).toBeUndefined();
  });
});
