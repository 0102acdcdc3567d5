import { describe, expect, expectTypeOf, it } from "vitest";
import type { ThreatConnectIndicator } from "../threatconnect/types";
import { mappableIndicatorSchema, type MappableIndicator } from "./mappable-indicator";

describe("MappableIndicator", () => {
  it("accepts the ThreatConnect client's indicator type as is", () => {
    expectTypeOf<ThreatConnectIndicator>().toExtend<MappableIndicator>();
  });

  it("validates untrusted JSON and keeps unknown keys", () => {
    const parsed = mappableIndicatorSchema.parse({
      id: "9007199254918487",
      type: "Host",
      ownerName: "O",
      dateAdded: "2024-01-01T00:00:00Z",
      hostName: "a.example",
      privateFlag: false,
      attributes: {},
    });
    expect(parsed).toMatchObject({ id: "9007199254918487", privateFlag: false, attributes: {} });
  });

  it("rejects a numeric id, which would already have lost precision", () => {
    const result = mappableIndicatorSchema.safeParse({
      id: Number("9007199254918487"),
      type: "Host",
      ownerName: "O",
      dateAdded: "x",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["id"]);
  });
});
