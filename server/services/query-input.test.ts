import { describe, expect, it } from "vitest";
import { queryDefinition, validateQueryInput } from "./query-input";

const query = { owners: ["Demo Organization"], types: ["Host"], tql: "rating > 3" };

describe("query TQL validation", () => {
  it("refuses a TQL that closes the parenthesis the pipeline wraps it in, on the tql field", () => {
    const result = queryDefinition.safeParse({ ...query, tql: "x = 1) OR (1 = 1" });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ["tql"],
        message: expect.stringContaining("closes a parenthesis it never opened"),
      }),
    ]);
  });

  it("refuses unbalanced parentheses and unterminated strings, and accepts parentheses inside strings", () => {
    expect(queryDefinition.safeParse({ ...query, tql: "(rating > 3" }).error?.issues[0]?.message).toContain(
      "leaves 1 parenthesis open",
    );
    expect(
      validateQueryInput.safeParse({ serviceId: crypto.randomUUID(), tql: 'summary = "a' }).error?.issues[0],
    ).toMatchObject({ path: ["tql"], message: expect.stringContaining("never closed") });
    expect(queryDefinition.safeParse({ ...query, tql: 'summary = ") OR (1 = 1"' }).success).toBe(true);
  });
});
