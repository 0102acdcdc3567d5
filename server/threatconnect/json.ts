/**
 * An `"id"` or `"ownerId"` key followed by a number. Inside a JSON string every `"` is escaped, so `{` or `,` then an
 * unescaped `"id":` can only be an object key, never text inside a value.
 */
const ID_NUMBER_PATTERN = /([{,]\s*"(?:id|ownerId)"\s*:\s*)(-?\d+)(?=\s*[,}])/g;

/**
 * Parses a ThreatConnect body with every id kept as its exact decimal string (ids exceed 2^53, where a double rounds
 * them) and every other number as a plain number. Quoting ids before the native parser is an order of magnitude
 * faster than a JavaScript lossless parser on 10,000-indicator pages.
 */
export function parseThreatConnectJson(text: string): unknown {
  return JSON.parse(text.replace(ID_NUMBER_PATTERN, '$1"$2"'));
}
