import { parseThreatConnectJson } from "./json";

/**
 * A response body whose top-level `data` array is located but not parsed: every other member is parsed, and each
 * item of `data` is kept as the bounds of its text, parsed only when asked for. Parsing a 10,000-indicator page whole
 * holds about 225 MB of objects at once, and V8 keeps the heap it grew to; parsing a few thousand items at a time
 * holds a fraction of that.
 */
export type ScannedBody = {
  /** The body's members except an array `data` (a `data` of any other kind stays here, to be refused as before). */
  members: Record<string, unknown>;
  /** How many items `data` holds, or null when `data` is not an array. */
  itemCount: number | null;
  /** Item `index` of `data`, parsed; a SyntaxError when that item alone is not valid JSON. */
  item(index: number): unknown;
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(text: string, index: number): number {
  let at = index;
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at++;
  return at;
}

function expectCode(text: string, index: number, code: number): void {
  if (text.charCodeAt(index) !== code) {
    throw new SyntaxError(
      index >= text.length
        ? "Unexpected end of JSON input"
        : `Expected '${String.fromCharCode(code)}' at position ${index}`,
    );
  }
}

/** `index` is at an opening quote; returns the position after the closing one (the quote no odd run of `\` escapes). */
function stringEnd(text: string, index: number): number {
  let from = index + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new SyntaxError("Unterminated string in JSON");
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** `index` is at `{` or `[`; returns the position after its matching closer, strings skipped whole. */
function compositeEnd(text: string, index: number): number {
  const closers: number[] = [];
  for (let at = index; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      at = stringEnd(text, at) - 1;
    } else if (code === OPEN_BRACE) {
      closers.push(CLOSE_BRACE);
    } else if (code === OPEN_BRACKET) {
      closers.push(CLOSE_BRACKET);
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (closers.pop() !== code) throw new SyntaxError(`Unexpected '${text[at]}' at position ${at}`);
      if (closers.length === 0) return at + 1;
    }
  }
  throw new SyntaxError("Unexpected end of JSON input");
}

/**
 * The end of the value starting at `index`. Only its extent is checked here (strings closed, brackets matched);
 * JSON.parse checks the rest when the value's text is parsed.
 */
function valueEnd(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code === QUOTE) return stringEnd(text, index);
  if (code === OPEN_BRACE || code === OPEN_BRACKET) return compositeEnd(text, index);
  let at = index;
  while (at < text.length) {
    const next = text.charCodeAt(at);
    if (next === COMMA || next === CLOSE_BRACE || next === CLOSE_BRACKET || isWhitespace(next)) break;
    at++;
  }
  if (at === index) {
    throw new SyntaxError(index >= text.length ? "Unexpected end of JSON input" : `Unexpected token at ${index}`);
  }
  return at;
}

/** `index` is at `[`; the bounds of each item and the position after `]`. */
function arrayItems(text: string, index: number): { starts: number[]; ends: number[]; end: number } {
  const starts: number[] = [];
  const ends: number[] = [];
  let at = skipWhitespace(text, index + 1);
  if (text.charCodeAt(at) === CLOSE_BRACKET) return { starts, ends, end: at + 1 };
  for (;;) {
    const end = valueEnd(text, at);
    starts.push(at);
    ends.push(end);
    at = skipWhitespace(text, end);
    if (text.charCodeAt(at) === CLOSE_BRACKET) return { starts, ends, end: at + 1 };
    expectCode(text, at, COMMA);
    at = skipWhitespace(text, at + 1);
  }
}

/**
 * Scans a body that must be one JSON object. Anything wrong outside `data`'s items (not an object, truncated,
 * unbalanced, trailing text) throws a SyntaxError here, as JSON.parse would; an item that is well delimited but not
 * valid JSON throws only when that item is read. Numbers keyed `id`/`ownerId` become exact strings, as in
 * parseThreatConnectJson.
 */
export function scanDataBody(text: string): ScannedBody {
  const members: Record<string, unknown> = {};
  let data: { starts: number[]; ends: number[] } | null = null;
  let at = skipWhitespace(text, 0);
  expectCode(text, at, OPEN_BRACE);
  at = skipWhitespace(text, at + 1);
  if (text.charCodeAt(at) !== CLOSE_BRACE) {
    for (;;) {
      expectCode(text, at, QUOTE);
      const keyEnd = stringEnd(text, at);
      const key = JSON.parse(text.slice(at, keyEnd)) as string;
      at = skipWhitespace(text, keyEnd);
      expectCode(text, at, COLON);
      at = skipWhitespace(text, at + 1);
      if (key === "data" && text.charCodeAt(at) === OPEN_BRACKET) {
        const items = arrayItems(text, at);
        data = items;
        delete members.data;
        at = items.end;
      } else {
        const end = valueEnd(text, at);
        // Own-property assignment, so a "__proto__" key stays a plain member, as JSON.parse makes it.
        Object.defineProperty(members, key, {
          value: parseThreatConnectJson(text.slice(at, end)),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        if (key === "data") data = null;
        at = end;
      }
      at = skipWhitespace(text, at);
      if (text.charCodeAt(at) === CLOSE_BRACE) break;
      expectCode(text, at, COMMA);
      at = skipWhitespace(text, at + 1);
    }
  }
  at = skipWhitespace(text, at + 1);
  if (at < text.length) throw new SyntaxError(`Unexpected text after JSON at position ${at}`);
  const bounds = data;
  return {
    members,
    itemCount: bounds ? bounds.starts.length : null,
    item(index) {
      if (!bounds || index < 0 || index >= bounds.starts.length) throw new RangeError(`no item ${index} in data`);
      return parseThreatConnectJson(text.slice(bounds.starts[index], bounds.ends[index]));
    },
  };
}
