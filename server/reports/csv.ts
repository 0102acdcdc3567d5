import type { ErrorReportItem } from "./errors";

/**
 * A spreadsheet runs a cell that starts with one of these as a formula; indicator values and Sentinel's messages
 * come from outside, so such a cell is prefixed with an apostrophe (OWASP's CSV-injection advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | Date | null): string {
  if (value === null) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = typeof value === "string" && FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const ERROR_COLUMNS: [string, (row: ErrorReportItem) => string | number | Date | null][] = [
  ["request_id", (row) => row.requestId],
  ["service", (row) => row.serviceName],
  ["phase", (row) => row.phase],
  ["source", (row) => row.source],
  ["indicator_id", (row) => row.indicatorId],
  ["indicator_type", (row) => row.indicatorType],
  ["indicator_value", (row) => row.indicatorValue],
  ["owner", (row) => row.ownerName],
  ["field", (row) => row.field],
  ["message", (row) => row.message],
  ["first_seen_utc", (row) => row.firstSeenAt],
  ["last_seen_utc", (row) => row.lastSeenAt],
  ["occurrences", (row) => row.occurrences],
];

/** RFC 4180: CRLF line ends, a header row, quoted cells where needed. */
export function errorsToCsv(rows: readonly ErrorReportItem[]): string {
  const lines = [ERROR_COLUMNS.map(([name]) => name).join(",")];
  for (const row of rows) lines.push(ERROR_COLUMNS.map(([, valueOf]) => csvCell(valueOf(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
