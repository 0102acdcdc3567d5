import { describe, expect, test } from "vitest";
import { diffOf } from "./record-audit";

describe("diffOf", () => {
  test("reports only the keys whose values changed", () => {
    expect(diffOf({ name: "a", hours: 24, on: true }, { name: "b", hours: 24 })).toEqual({
      name: { before: "a", after: "b" },
    });
  });

  test("objects with the same entries in another key order are unchanged (jsonb reorders keys)", () => {
    const stored = { ttlHours: { URL: 720, Address: 24, Host: 48 } };
    expect(diffOf(stored, { ttlHours: { Address: 24, Host: 48, URL: 720 } })).toEqual({});
    expect(diffOf(stored, { ttlHours: { Address: 24, Host: 48, URL: 721 } })).toEqual({
      ttlHours: { before: stored.ttlHours, after: { Address: 24, Host: 48, URL: 721 } },
    });
  });

  test("array order still matters, dates compare by instant", () => {
    expect(diffOf({ emails: ["a", "b"] }, { emails: ["b", "a"] })).toHaveProperty("emails");
    expect(diffOf({ at: new Date("2026-01-01T00:00:00Z") }, { at: new Date("2026-01-01T00:00:00Z") })).toEqual({});
  });
});
