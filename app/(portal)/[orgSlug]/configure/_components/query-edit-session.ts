import type { QueryDraft, SavedQuery } from "./configure-types";

/** A query as the table shows it; `key` is client-only and changes when the query's content does. */
export type QueryRowDraft = QueryDraft & { key: string };

/** An edit in progress: the list as edited so far, and the saved version it started from. */
export type EditSession = { queriesVersion: number; rows: QueryRowDraft[] };

export const rowOf = ({ id, owners, types, tql, sortField, sortDirection }: SavedQuery): QueryRowDraft => ({
  key: id,
  id,
  owners,
  types,
  tql,
  sortField,
  sortDirection,
});

/** The list with one item taken from `from` and put at `to`; out-of-range moves leave it as it was. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item === undefined) return next;
  next.splice(to, 0, item);
  return next;
}

/** What the save procedure takes: the rows without their client-only keys, in their new order. */
export const queriesToSave = (rows: readonly QueryRowDraft[]): QueryDraft[] =>
  rows.map(({ key: _key, ...query }) => query);
