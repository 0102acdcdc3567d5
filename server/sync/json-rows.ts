import { sql, type SQL } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";

/** A column of a bulk insert: its name in the table and its SQL type. */
export type JsonRowColumn = readonly [
  name: string,
  type: "text" | "int" | "uuid" | "timestamptz" | "json" | "jsonb" | "boolean",
];

/**
 * Inserts many rows as one JSON parameter that Postgres unpacks with json_to_recordset. Building a
 * thousand-row VALUES list through the query builder costs more than the insert itself; this costs one
 * JSON.stringify. Rows are keyed by column name. json_to_recordset rather than its jsonb twin: a json column
 * (a staged indicator, a batch's object) then takes its value's text as it is, where unpacking through jsonb
 * would build the binary form and print it back.
 */
export async function insertJsonRows(
  db: DatabaseOrTransaction,
  table: string,
  columns: readonly JsonRowColumn[],
  rows: readonly Record<string, unknown>[],
  onConflict: SQL = sql``,
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.raw(columns.map(([name]) => `"${name}"`).join(", "));
  const shape = sql.raw(columns.map(([name, type]) => `"${name}" ${type}`).join(", "));
  await db.execute(
    sql`insert into ${sql.identifier(table)} (${names}) select ${names} from json_to_recordset(${JSON.stringify(rows)}::json) as rows(${shape}) ${onConflict}`,
  );
}
