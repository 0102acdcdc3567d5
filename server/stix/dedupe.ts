/**
 * Query-order dedupe (the guide's "Manage TQL Query Order"): when several queries or owners return the
 * same observable, only the copy from the highest-positioned query is sent.
 *
 * Winner among candidates with the same dedupe key, in this order:
 *   1. lowest `queryPosition` (position 0 is the top row of the query table);
 *   2. then lowest `ownerName` in code-point order (one query spanning several owners);
 *   3. then lowest `indicatorId` numerically (the same owner returning two indicators with one normalized value).
 */
export type DedupeCandidate = {
  readonly dedupeKey: string;
  readonly queryPosition: number;
  readonly ownerName: string;
  readonly indicatorId: string;
};

export type DedupeResult<T> = { winners: T[]; droppedDuplicates: number };

/** Orders surrogate pairs after U+E000–U+FFFF, which makes UTF-16 comparison agree with code-point (UTF-8 byte) order. */
function codePointOrderUnit(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Code-point order, identical to PostgreSQL's `COLLATE "C"` on a UTF-8 database. Plain `<` on JS strings
 * differs from it for characters above U+FFFF, and locale collations differ from it everywhere.
 */
export function compareDedupeKeys(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit !== rightUnit) return codePointOrderUnit(leftUnit) - codePointOrderUnit(rightUnit);
  }
  return left.length - right.length;
}

const DECIMAL = /^\d+$/;

function compareIndicatorIds(left: string, right: string): number {
  if (DECIMAL.test(left) && DECIMAL.test(right)) {
    const difference = BigInt(left) - BigInt(right);
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  return compareDedupeKeys(left, right);
}

/** Negative when `left` beats `right` for the same dedupe key. */
export function compareCandidatePriority(left: DedupeCandidate, right: DedupeCandidate): number {
  return (
    left.queryPosition - right.queryPosition ||
    compareDedupeKeys(left.ownerName, right.ownerName) ||
    compareIndicatorIds(left.indicatorId, right.indicatorId)
  );
}

/** In-memory form for small sets; winners keep the order in which their key first appeared. */
export function dedupeByQueryOrder<T extends DedupeCandidate>(candidates: Iterable<T>): DedupeResult<T> {
  const winners = new Map<string, T>();
  let droppedDuplicates = 0;
  for (const candidate of candidates) {
    const current = winners.get(candidate.dedupeKey);
    if (current === undefined) {
      winners.set(candidate.dedupeKey, candidate);
      continue;
    }
    droppedDuplicates += 1;
    if (compareCandidatePriority(candidate, current) < 0) winners.set(candidate.dedupeKey, candidate);
  }
  return { winners: [...winners.values()], droppedDuplicates };
}

export type DedupeMerge<T> = AsyncIterable<T> & { readonly droppedDuplicates: number };

class PageCursor<T extends DedupeCandidate> {
  private page: readonly T[] = [];
  private index = 0;
  private previousKey: string | undefined;
  private isDone = false;

  constructor(
    private readonly iterator: AsyncIterator<readonly T[]>,
    private readonly streamIndex: number,
  ) {}

  get current(): T | undefined {
    return this.isDone ? undefined : this.page[this.index];
  }

  /** Loads pages until an item is available or the stream ends; empty pages are allowed. */
  async fill(): Promise<void> {
    while (!this.isDone && this.index >= this.page.length) {
      const next = await this.iterator.next();
      if (next.done) {
        this.isDone = true;
        this.page = [];
      } else {
        this.page = next.value;
        this.index = 0;
      }
    }
    const current = this.current;
    if (current && this.previousKey !== undefined && compareDedupeKeys(current.dedupeKey, this.previousKey) < 0) {
      throw new Error(
        `dedupe stream ${this.streamIndex} is not sorted by dedupe key: '${current.dedupeKey}' came after '${this.previousKey}'`,
      );
    }
  }

  async take(): Promise<T | undefined> {
    const item = this.current;
    if (item === undefined) return undefined;
    this.previousKey = item.dedupeKey;
    this.index += 1;
    await this.fill();
    return item;
  }

  async close(): Promise<void> {
    if (!this.isDone) await this.iterator.return?.();
  }
}

/**
 * Streaming k-way merge for the pipeline, so a million candidates never sit in memory at once.
 *
 * Contract:
 * - one stream per query; each yields pages (arrays) of candidates sorted ascending by `dedupeKey` in
 *   code-point order — from PostgreSQL that is `ORDER BY dedupe_key COLLATE "C"` read with a cursor;
 * - candidates with the same key may appear in any order inside a stream (several owners) and across pages;
 * - the merge yields exactly one winner per key (see the ordering at the top of this file), in ascending key
 *   order, and counts the others in `droppedDuplicates` (final once iteration completes);
 * - it holds the current page of each stream plus the same-key run it is deciding, nothing more;
 * - a stream that goes backwards in key order fails loudly instead of letting a duplicate through.
 */
export function mergeByQueryOrder<T extends DedupeCandidate>(
  streams: readonly AsyncIterable<readonly T[]>[],
): DedupeMerge<T> {
  let droppedDuplicates = 0;
  let isStarted = false;

  async function* winners(): AsyncGenerator<T> {
    if (isStarted) throw new Error("a dedupe merge can only be iterated once");
    isStarted = true;
    const cursors = streams.map((stream, index) => new PageCursor(stream[Symbol.asyncIterator](), index));
    try {
      for (const cursor of cursors) await cursor.fill();
      for (;;) {
        let smallestKey: string | undefined;
        for (const cursor of cursors) {
          const key = cursor.current?.dedupeKey;
          if (key !== undefined && (smallestKey === undefined || compareDedupeKeys(key, smallestKey) < 0))
            smallestKey = key;
        }
        if (smallestKey === undefined) return;
        let winner: T | undefined;
        let copies = 0;
        for (const cursor of cursors) {
          while (cursor.current?.dedupeKey === smallestKey) {
            const candidate = await cursor.take();
            if (candidate === undefined) break;
            copies += 1;
            if (winner === undefined || compareCandidatePriority(candidate, winner) < 0) winner = candidate;
          }
        }
        droppedDuplicates += copies - 1;
        if (winner !== undefined) yield winner;
      }
    } finally {
      await Promise.all(cursors.map((cursor) => cursor.close()));
    }
  }

  return {
    [Symbol.asyncIterator]: winners,
    get droppedDuplicates() {
      return droppedDuplicates;
    },
  };
}
