import { describe, expect, it } from "vitest";
import { parseThreatConnectJson } from "./json";
import { scanDataBody, type ScannedBody } from "./page-scan";

function items(body: ScannedBody): unknown[] {
  return Array.from({ length: body.itemCount ?? 0 }, (_, index) => body.item(index));
}

/** What the scan must agree with: the whole body through the parser the client used before. */
function expectSameAsWholeParse(text: string) {
  const whole = parseThreatConnectJson(text) as Record<string, unknown>;
  const scanned = scanDataBody(text);
  const { data, ...members } = whole;
  expect(items(scanned)).toEqual(data);
  expect(scanned.members).toEqual(members);
}

/** A deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const AWKWARD_CHARACTERS = ['"', "\\", "{", "}", "[", "]", ",", ":", "\n", "\u0000", "é", "😀", "\u2028", " ", "a"];

function awkwardString(next: () => number): string {
  let text = "";
  const length = Math.floor(next() * 12);
  for (let index = 0; index < length; index++) {
    text += AWKWARD_CHARACTERS[Math.floor(next() * AWKWARD_CHARACTERS.length)];
  }
  return text;
}

function awkwardValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 2 ? 4 : 6));
  if (kind === 0) return awkwardString(next);
  if (kind === 1) return Math.round(next() * 1e6) / 100;
  if (kind === 2) return next() < 0.5 ? null : next() < 0.5;
  if (kind === 3) return -Math.floor(next() * 100);
  if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => awkwardValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let index = Math.floor(next() * 4); index > 0; index--) {
    object[awkwardString(next)] = awkwardValue(next, depth + 1);
  }
  return object;
}

describe("scanDataBody", () => {
  it("reads a ThreatConnect page as the whole-body parse does, ids above 2^53 exact", () => {
    const text =
      ' {\n "status" : "Success", "data" : [ {"id":9007199254740993,"ownerId" : 1,"summary":"a.example","rating":4.5,' +
      '"tags":{"data":[{"id":11,"name":"x"}]}} ,\n{"id":2,"summary":"b"}\t] , "next":"https://tc/api/v3/indicators?resultStart=2","count":7 }\n';
    expectSameAsWholeParse(text);
    const scanned = scanDataBody(text);
    expect(scanned.itemCount).toBe(2);
    expect(scanned.item(0)).toMatchObject({ id: "9007199254740993", ownerId: "1", tags: { data: [{ id: "11" }] } });
    expect(scanned.members).toEqual({
      status: "Success",
      next: "https://tc/api/v3/indicators?resultStart=2",
      count: 7,
    });
  });

  it("agrees with the whole-body parse on 500 generated pages full of quotes, backslashes, brackets and unicode", () => {
    const next = random(15);
    for (let page = 0; page < 500; page++) {
      const data = Array.from({ length: Math.floor(next() * 6) }, () => awkwardValue(next, 0));
      const envelope: Record<string, unknown> = { [awkwardString(next)]: awkwardValue(next, 0), data };
      expectSameAsWholeParse(JSON.stringify(envelope, null, next() < 0.5 ? 1 : undefined));
    }
  });

  it("reads escaped quotes and backslashes, \\u escapes and astral characters inside strings", () => {
    const text = String.raw`{"data":[{"summary":"a\\"},{"summary":"b\"],\\\"}"},{"summary":"\u0022\u005c\u005D\ud83d\ude00 é 😀"}]}`;
    expectSameAsWholeParse(text);
    expect(items(scanDataBody(text))).toEqual([
      { summary: "a\\" },
      { summary: 'b"],\\"}' },
      { summary: '"\\]😀 é 😀' },
    ]);
  });

  it("delimits an item holding a 5 MB string and a 100,000-item array", () => {
    const huge = `${'x"\\'.repeat(1_700_000)}end`;
    const many = Array.from({ length: 100_000 }, (_, index) => ({ id: index }));
    const text = JSON.stringify({ data: [{ description: huge }, ...many], status: "Success" });
    const scanned = scanDataBody(text);
    expect(scanned.itemCount).toBe(100_001);
    expect(scanned.item(0)).toEqual({ description: huge });
    expect(scanned.item(100_000)).toEqual({ id: "99999" });
    expect(scanned.members).toEqual({ status: "Success" });
  });

  it("refuses every truncation of a page, as JSON.parse does", () => {
    const text = JSON.stringify({ status: "Success", data: [{ id: 1, summary: 'q"\\[' }, [], "s", 2], count: 2 });
    for (let length = 0; length < text.length; length++) {
      expect(() => scanDataBody(text.slice(0, length)), text.slice(0, length)).toThrow(SyntaxError);
    }
  });

  it.each([
    ["not an object", '["data"]'],
    ["HTML", "<html>502 Bad Gateway</html>"],
    ["an empty body", ""],
    ["text after the object", '{"data":[]} x'],
    ["a second object", '{"data":[]}{}'],
    ["mismatched brackets in an item", '{"data":[{"a":[1}]]}'],
    ["an unterminated string in an item", '{"data":[{"a":"b}]}'],
    ["a missing comma between items", '{"data":[{} {}]}'],
    ["an empty item", '{"data":[{},,{}]}'],
    ["a trailing comma in data", '{"data":[{},]}'],
    ["an unquoted key", "{data:[]}"],
    ["a missing colon", '{"data" []}'],
    ["a bad member value", '{"count":12x,"data":[]}'],
    ["a trailing comma in the object", '{"data":[],}'],
  ])("refuses %s", (_, text) => {
    expect(() => scanDataBody(text)).toThrow(SyntaxError);
  });

  it("refuses only the item that is delimited but not valid JSON, when it is read", () => {
    const scanned = scanDataBody('{"data":[{"id":1},{"id":2 "x":1},{"id":tru},{"id":3}],"status":"Success"}');
    expect(scanned.itemCount).toBe(4);
    expect(scanned.item(0)).toEqual({ id: "1" });
    expect(() => scanned.item(1)).toThrow(SyntaxError);
    expect(() => scanned.item(2)).toThrow(SyntaxError);
    expect(scanned.item(3)).toEqual({ id: "3" });
    expect(() => scanned.item(4)).toThrow(RangeError);
  });

  it("keeps a data that is not an array as a member, and the last of repeated keys as JSON.parse does", () => {
    expect(scanDataBody('{"data":{"a":1}}')).toMatchObject({ members: { data: { a: 1 } }, itemCount: null });
    expect(scanDataBody('{"status":"x"}')).toMatchObject({ members: { status: "x" }, itemCount: null });
    expect(scanDataBody("{}")).toMatchObject({ members: {}, itemCount: null });
    const replaced = scanDataBody('{"data":[1,2],"data":"late"}');
    expect(replaced).toMatchObject({ members: { data: "late" }, itemCount: null });
    const array = scanDataBody('{"data":"early","data":[3]}');
    expect(array.members).toEqual({});
    expect(items(array)).toEqual([3]);
  });

  it("keeps a __proto__ key as a plain member", () => {
    const scanned = scanDataBody('{"__proto__":{"polluted":true},"data":[]}');
    expect(Object.getOwnPropertyNames(scanned.members)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((scanned.members as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
