import { describe, expect, it } from "vitest";
import { parseThreatConnectJson } from "./json";

describe("parseThreatConnectJson", () => {
  it("keeps ids above 2^53 exact and leaves other numbers as numbers", () => {
    const parsed = parseThreatConnectJson(
      '{"data":[{"id":9007199254740993,"ownerId" : 1,"rating":4.5,"size":12,"tags":{"data":[{"id":11,"name":"x"}]}}]}',
    );
    expect(parsed).toEqual({
      data: [
        {
          id: "9007199254740993",
          ownerId: "1",
          rating: 4.5,
          size: 12,
          tags: { data: [{ id: "11", name: "x" }] },
        },
      ],
    });
  });

  it("never rewrites text inside string values", () => {
    const text = JSON.stringify({
      id: 5,
      summary: 'x,"id":7}',
      description: '{"ownerId":9}',
    });
    expect(parseThreatConnectJson(text)).toEqual({
      id: "5",
      summary: 'x,"id":7}',
      description: '{"ownerId":9}',
    });
  });

  it("throws on malformed JSON", () => {
    expect(() => parseThreatConnectJson("<html>")).toThrow(SyntaxError);
  });
});
