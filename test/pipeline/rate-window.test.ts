import { describe, expect, it } from "vitest";
import { maxRequestsInWindow, shareOfLimit } from "./rate-window";

describe("maxRequestsInWindow", () => {
  it("counts the busiest sliding window, not fixed minutes", () => {
    // Two fixed minutes would hold 2 and 2; the window from 900 to 1899 holds 3.
    expect(maxRequestsInWindow([0, 900, 1100, 1500, 2100], 1000)).toBe(3);
  });

  it("treats a request exactly one window later as outside it", () => {
    expect(maxRequestsInWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxRequestsInWindow([], 1000)).toBe(0);
  });
});

describe("shareOfLimit", () => {
  it("is 1 when requests come every minute/100", () => {
    expect(
      shareOfLimit(
        Array.from({ length: 201 }, (_, index) => index * 30),
        3000,
      ),
    ).toBeCloseTo(1, 5);
  });

  it("is 0 without a span to measure", () => {
    expect(shareOfLimit([5], 3000)).toBe(0);
  });
});
