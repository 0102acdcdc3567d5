import { isIndicatorType, type IndicatorQuery } from "./types";

/** TQL string literal with ThreatConnect's backslash escapes for quotes, backticks and backslashes. */
export function quoteTql(value: string): string {
  return `"${value.replace(/[\\"'`]/g, "\\$&")}"`;
}

/** ThreatConnect rejects fractional seconds in TQL dates, so the cursor is truncated to whole seconds. */
export function formatTqlDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Builds the TQL actually sent. With added filters the user's TQL is parenthesised so an OR inside it cannot escape
 * them. `lastModified >=` (not `>`) on the truncated cursor never misses an indicator modified within the same second;
 * callers de-duplicate by id.
 */
export function composeTql(query: IndicatorQuery, ownersInTql: readonly string[]): string | undefined {
  const clauses: string[] = [];
  const userTql = query.tql?.trim();
  if (query.types && query.types.length > 0) {
    for (const type of query.types) {
      if (!isIndicatorType(type))
        throw new TypeError(`types: "${String(type)}" is not a supported ThreatConnect indicator type`);
    }
    clauses.push(`typeName IN (${query.types.map(quoteTql).join(", ")})`);
  }
  if (ownersInTql.length > 0) clauses.push(`ownerName IN (${ownersInTql.map(quoteTql).join(", ")})`);
  if (query.modifiedSince) {
    if (Number.isNaN(query.modifiedSince.getTime())) throw new TypeError("modifiedSince: not a valid date");
    clauses.push(`lastModified >= ${quoteTql(formatTqlDate(query.modifiedSince))}`);
  }
  if (!userTql) return clauses.length > 0 ? clauses.join(" AND ") : undefined;
  // Alone, the user's TQL goes unwrapped so ThreatConnect's error positions match what the user typed.
  return clauses.length > 0 ? [`(${userTql})`, ...clauses].join(" AND ") : userTql;
}
