import { DomainError } from "../errors";

/** A keyset position: the sort time of the last row shown and its id, which breaks ties between equal times. */
export type KeysetPosition = { at: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, "utf8").toString("base64url");
}

/**
 * Only what encodeKeysetCursor writes is accepted (canonical ISO time, lower-case UUID), so a tampered cursor is a
 * 400 naming the field rather than a failed cast deep in SQL.
 */
export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const [at = "", id = "", extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const time = new Date(at);
  if (extra !== undefined || !UUID.test(id) || Number.isNaN(time.getTime()) || time.toISOString() !== at) {
    throw new DomainError("BAD_REQUEST", "Cursor is not one this list returned", "cursor");
  }
  return { at: time, id };
}

/** Cuts the extra row a query fetched to learn whether another page exists. */
export function keysetPage<TRow>(rows: TRow[], limit: number, positionOf: (row: TRow) => KeysetPosition) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeKeysetCursor(positionOf(last)) : null,
  };
}
