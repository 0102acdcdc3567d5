import { ThreatConnectError } from "./errors";
import { isIndicatorType } from "./types";

/** TQL string literal with ThreatConnect's backslash escapes for quotes, backticks and backslashes. */
export function quoteTql(value: string): string {
  return `"${value.replace(/[\\"'`]/g, "\\$&")}"`;
}

/** ThreatConnect rejects fractional seconds in TQL dates, so the cursor is truncated to whole seconds. */
export function formatTqlDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Why a user's TQL is not one self-contained expression, or undefined when it is. Strings (either quote, with
 * backslash escapes) are skipped, so a parenthesis inside a value never counts. A query that closes more
 * parentheses than it opens could end the wrapping `( … )` and OR its way around the owner and type filters.
 */
export function tqlExpressionProblem(tql: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  let quoteStart = 0;
  for (let index = 0; index < tql.length; index++) {
    const char = tql.charAt(index);
    if (quote) {
      if (char === "\\") index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      quoteStart = index;
    } else if (char === "(") {
      depth++;
    } else if (char === ")") {
      depth--;
      if (depth < 0) {
        return `TQL closes a parenthesis it never opened (character ${index + 1}); write the query as one expression`;
      }
    }
  }
  if (quote) return `TQL has a string starting at character ${quoteStart + 1} that is never closed with ${quote}`;
  if (depth > 0) return `TQL leaves ${depth} parenthes${depth === 1 ? "is" : "es"} open; close every "(" it opens`;
  return undefined;
}

export type QueryTqlInput = {
  tql?: string;
  /** Owner names matched in TQL; the client passes a single owner as ThreatConnect's `owner` parameter instead. */
  owners?: readonly string[];
  types?: readonly string[];
  modifiedSince?: Date;
};

/**
 * Builds the TQL actually sent: the user's expression, checked to be one expression, then wrapped so nothing in it
 * can escape the added filters. `lastModified >=` (not `>`) on the truncated cursor never misses an indicator
 * modified within the same second; callers de-duplicate by id.
 */
export function composeQueryTql(input: QueryTqlInput): string | undefined {
  const userTql = input.tql?.trim();
  if (userTql) {
    const problem = tqlExpressionProblem(userTql);
    if (problem) throw new ThreatConnectError("invalid_tql", problem);
  }
  const clauses: string[] = [];
  if (input.types && input.types.length > 0) {
    for (const type of input.types) {
      if (!isIndicatorType(type))
        throw new TypeError(`types: "${type}" is not a supported ThreatConnect indicator type`);
    }
    clauses.push(`typeName IN (${input.types.map(quoteTql).join(", ")})`);
  }
  if (input.owners && input.owners.length > 0) {
    clauses.push(`ownerName IN (${input.owners.map(quoteTql).join(", ")})`);
  }
  if (input.modifiedSince) {
    if (Number.isNaN(input.modifiedSince.getTime())) throw new TypeError("modifiedSince: not a valid date");
    clauses.push(`lastModified >= ${quoteTql(formatTqlDate(input.modifiedSince))}`);
  }
  if (!userTql) return clauses.length > 0 ? clauses.join(" AND ") : undefined;
  // Alone, the user's TQL goes unwrapped so ThreatConnect's error positions match what the user typed.
  return clauses.length > 0 ? [`(${userTql})`, ...clauses].join(" AND ") : userTql;
}
