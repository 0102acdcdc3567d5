import { describe, expect, test } from "vitest";
import { successRates } from "./success-rate";

const none = { succeeded: 0, partially_succeeded: 0, failed: 0, cancelled: 0 };

describe("successRates", () => {
  test("a service whose only run partially succeeded completed every run, none of them without refusals", () => {
    expect(successRates({ ...none, partially_succeeded: 1 })).toEqual({
      completedPercent: 100,
      cleanPercent: 0,
      finished: 1,
    });
  });

  test("failed runs lower the rate; cancelled ones are not counted", () => {
    expect(successRates({ succeeded: 2, partially_succeeded: 1, failed: 1, cancelled: 5 })).toEqual({
      completedPercent: 75,
      cleanPercent: 50,
      finished: 4,
    });
  });

  test("no finished run has no rate", () => {
    expect(successRates({ ...none, cancelled: 2 })).toBeNull();
  });
});
