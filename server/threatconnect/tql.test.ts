import { describe, expect, it } from "vitest";
import { ThreatConnectError } from "./errors";
import { composeQueryTql, formatTqlDate, quoteTql, tqlExpressionProblem } from "./tql";

describe("composeQueryTql", () => {
  it("escapes quotes, backticks and backslashes in literals", () => {
    expect(quoteTql(`a"b'c\`d\\e`)).toBe(`"a\\"b\\'c\\\`d\\\\e"`);
  });

  it("truncates the cursor to whole seconds, which ThreatConnect requires", () => {
    expect(formatTqlDate(new Date("2024-05-01T10:00:00.999Z"))).toBe("2024-05-01T10:00:00Z");
  });

  it("sends lone user TQL unchanged and wraps it when filters are added", () => {
    expect(composeQueryTql({ tql: "  rating > 3 or confidence > 50 " })).toBe("rating > 3 or confidence > 50");
    expect(
      composeQueryTql({ tql: "rating > 3 or confidence > 50", types: ["Host"], owners: ["Demo Source", 'Q"'] }),
    ).toBe('(rating > 3 or confidence > 50) AND typeName IN ("Host") AND ownerName IN ("Demo Source", "Q\\"")');
    expect(composeQueryTql({ tql: " ", modifiedSince: new Date("2024-01-01T00:00:00Z") })).toBe(
      'lastModified >= "2024-01-01T00:00:00Z"',
    );
    expect(composeQueryTql({})).toBeUndefined();
  });

  it("rejects unknown types and invalid dates", () => {
    expect(() => composeQueryTql({ types: ["Mutex"] })).toThrow('types: "Mutex" is not a supported');
    expect(() => composeQueryTql({ modifiedSince: new Date("nope") })).toThrow("modifiedSince: not a valid date");
  });

  it("refuses a TQL that closes the wrapping parenthesis, as an invalid_tql error on the tql field", () => {
    const attempt = () => composeQueryTql({ tql: "x = 1) OR (1 = 1", types: ["Host"], owners: ["Demo Source"] });
    expect(attempt).toThrow(ThreatConnectError);
    expect(attempt).toThrow("closes a parenthesis it never opened (character 6)");
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid_tql", field: "tql", retryable: false });
    }
  });
});

describe("tqlExpressionProblem", () => {
  it.each([
    ['summary = "a)b" AND (rating > 3 OR confidence > 50)'],
    ["summary = 'it\\'s (fine'"],
    ['summary = "back\\\\" AND tag = "x"'],
    ['hasTag(name = "APT")'],
  ])("accepts one expression: %s", (tql) => {
    expect(tqlExpressionProblem(tql)).toBeUndefined();
  });

  it.each([
    ["x = 1) OR (1 = 1", "closes a parenthesis it never opened"],
    ["rating > 3)", "closes a parenthesis it never opened"],
    ["(rating > 3", "leaves 1 parenthesis open"],
    ['summary = "abc', "never closed"],
    ['summary = "a\\") OR (1 = 1', "never closed"],
  ])("refuses %s", (tql, message) => {
    expect(tqlExpressionProblem(tql)).toContain(message);
  });
});
