import { parse } from "lossless-json";

class NumericText {
  constructor(readonly text: string) {}
}

/** Keys whose numbers are ThreatConnect ids: they exceed 2^53, so they must never pass through a double. */
const ID_KEYS: ReadonlySet<string> = new Set(["id", "ownerId"]);

/** Parses a ThreatConnect body with id fields kept as exact strings and every other number as a plain number. */
export function parseThreatConnectJson(text: string): unknown {
  return parse(
    text,
    (key, value) =>
      value instanceof NumericText
        ? ID_KEYS.has(key)
          ? value.text
          : Number(value.text)
        : value,
    (numberText) => new NumericText(numberText),
  );
}
