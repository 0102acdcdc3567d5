import { describe, expect, it } from "vitest";
import { composeTql, formatTqlDate, quoteTql } from "./tql";

describe("composeTql", () => {
  it("escapes quotes, backticks and backslashes in literals", () => {
    expect(quoteTql(`a"b'c\`d\\e`)).toBe(`"a\\"b\\'c\\\`d\\\\e"`);
  });

  it("truncates the cursor to whole seconds, which ThreatConnect requires", () => {
    expect(formatTqlDate(new Date("2024-05-01T10:00:00.999Z"))).toBe("2024-05-01T10:00:00Z");
  });

  it("sends lone user TQL unchanged and wraps it when filters are added", () => {
    expect(composeTql({ tql: "  rating > 3 or confidence > 50 " }, [])).toBe("rating > 3 or confidence > 50");
    expect(composeTql({ tql: "rating > 3 or confidence > 50", types: ["Host"] }, ["Demo Source", 'Q"'])).toBe(
      '(rating > 3 or confidence > 50) AND typeName IN ("Host") AND ownerName IN ("Demo Source", "Q\\"")',
    );
    expect(composeTql({ tql: " ", modifiedSince: new Date("2024-01-01T00:00:00Z") }, [])).toBe(
      'lastModified >= "2024-01-01T00:00:00Z"',
    );
    expect(composeTql({}, [])).toBeUndefined();
  });

  it("rejects unknown types and invalid dates", () => {
    expect(() => composeTql({ types: ["Mutex" as never] }, [])).toThrow('types: "Mutex" is not a supported');
    expect(() => composeTql({ modifiedSince: new Date("nope") }, [])).toThrow("modifiedSince: not a valid date");
  });
});
