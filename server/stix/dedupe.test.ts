import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { compareDedupeKeys, dedupeByQueryOrder, mergeByQueryOrder, type DedupeCandidate } from "./dedupe";

type Candidate = DedupeCandidate & { label: string };

function candidate(dedupeKey: string, queryPosition: number, ownerName: string, indicatorId: string): Candidate {
  return {
    dedupeKey,
    queryPosition,
    ownerName,
    indicatorId,
    label: `${dedupeKey}@${queryPosition}/${ownerName}/${indicatorId}`,
  };
}

/** Serves in-memory pages the way the paged client does, one promise per page; closing the stream closes `source`. */
function streamOf<T>(source: Iterable<T[]>): AsyncIterable<T[]> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = source[Symbol.iterator]();
      return {
        next: () => Promise.resolve(iterator.next()),
        return: () => Promise.resolve(iterator.return?.() ?? { done: true, value: undefined }),
      };
    },
  };
}

function pages<T>(...chunks: T[][]): AsyncIterable<T[]> {
  return streamOf(chunks);
}

async function collect<T extends DedupeCandidate>(streams: AsyncIterable<T[]>[]) {
  const merge = mergeByQueryOrder(streams);
  const winners: T[] = [];
  for await (const winner of merge) winners.push(winner);
  return { winners, droppedDuplicates: merge.droppedDuplicates };
}

/** A small deterministic PRNG so the randomized comparison is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("dedupeByQueryOrder", () => {
  it("keeps the copy from the highest-positioned query whatever order the candidates arrive in", () => {
    const result = dedupeByQueryOrder([
      candidate("Host:a", 2, "Org", "1"),
      candidate("Host:b", 1, "Org", "2"),
      candidate("Host:a", 0, "Source", "3"),
      candidate("Host:a", 1, "Org", "4"),
    ]);
    expect(result.winners.map((winner) => winner.label)).toEqual(["Host:a@0/Source/3", "Host:b@1/Org/2"]);
    expect(result.droppedDuplicates).toBe(2);
  });

  it("breaks ties inside one query by owner name, then by numeric indicator id", () => {
    const result = dedupeByQueryOrder([
      candidate("Host:a", 0, "Zeta Community", "1"),
      candidate("Host:a", 0, "Alpha Source", "10"),
      candidate("Host:a", 0, "Alpha Source", "9"),
      candidate("Host:b", 0, "Org", "9007199254740993"),
      candidate("Host:b", 0, "Org", "9007199254740992"),
    ]);
    expect(result.winners.map((winner) => winner.label)).toEqual([
      "Host:a@0/Alpha Source/9",
      "Host:b@0/Org/9007199254740992",
    ]);
    expect(result.droppedDuplicates).toBe(3);
  });
});

describe("compareDedupeKeys", () => {
  it('orders like PostgreSQL COLLATE "C" (UTF-8 bytes), not like UTF-16 or a locale', () => {
    const keys = [
      "Host:b",
      "Host:B",
      "Email Subject:\uffff",
      "Email Subject:📎",
      "Email Subject:é",
      "Host:a",
      "Host:",
      "ASN:ASN1",
    ];
    const byBytes = [...keys].sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));
    expect([...keys].sort(compareDedupeKeys)).toEqual(byBytes);
    expect(compareDedupeKeys("\uffff", "📎")).toBeLessThan(0);
    expect("\uffff" < "📎").toBe(false);
  });
});

describe("mergeByQueryOrder", () => {
  it("yields one winner per key in key order, with runs of one key spanning pages and empty pages", async () => {
    const result = await collect<Candidate>([
      pages([candidate("Host:a", 0, "Org", "1")], [], [candidate("Host:c", 0, "Org", "2")]),
      pages(
        [candidate("Host:a", 1, "Zeta", "3"), candidate("Host:b", 1, "Zeta", "4")],
        [candidate("Host:b", 1, "Alpha", "5")],
        [candidate("Host:c", 1, "Alpha", "6"), candidate("Host:d", 1, "Alpha", "7")],
      ),
      pages<Candidate>(),
    ]);
    expect(result.winners.map((winner) => winner.label)).toEqual([
      "Host:a@0/Org/1",
      "Host:b@1/Alpha/5",
      "Host:c@0/Org/2",
      "Host:d@1/Alpha/7",
    ]);
    expect(result.droppedDuplicates).toBe(3);
  });

  it("agrees with the in-memory form on a randomized multi-query, multi-owner set", async () => {
    const random = seededRandom(42);
    const owners = ["Org", "Community", "Source"];
    const streams = [0, 1, 2, 3].map((queryPosition) => {
      const items: Candidate[] = [];
      for (let index = 0; index < 300; index += 1) {
        const key = `Host:h${Math.floor(random() * 200)}.example`;
        const owner = owners[Math.floor(random() * owners.length)] ?? "Org";
        items.push(candidate(key, queryPosition, owner, String(Math.floor(random() * 1000))));
      }
      return items.sort((left, right) => compareDedupeKeys(left.dedupeKey, right.dedupeKey));
    });
    const expected = dedupeByQueryOrder(streams.flat());
    const chunked = (items: Candidate[]) =>
      pages(...Array.from({ length: Math.ceil(items.length / 7) }, (_, page) => items.slice(page * 7, page * 7 + 7)));
    const result = await collect(streams.map(chunked));
    const byKey = (left: Candidate, right: Candidate) => compareDedupeKeys(left.dedupeKey, right.dedupeKey);
    expect(result.winners.map((winner) => winner.label)).toEqual(
      [...expected.winners].sort(byKey).map((winner) => winner.label),
    );
    expect(result.droppedDuplicates).toBe(expected.droppedDuplicates);
  });

  it("fails loudly when a stream is not sorted by dedupe key, and closes the other streams", async () => {
    let isOtherStreamClosed = false;
    function* other(): Generator<Candidate[]> {
      try {
        yield [candidate("Host:a", 1, "Org", "1")];
        yield [candidate("Host:z", 1, "Org", "2")];
      } finally {
        isOtherStreamClosed = true;
      }
    }
    const unsorted = pages([candidate("Host:b", 0, "Org", "3")], [candidate("Host:a", 0, "Org", "4")]);
    await expect(collect([unsorted, streamOf(other())])).rejects.toThrow(
      "dedupe stream 0 is not sorted by dedupe key: 'Host:a' came after 'Host:b'",
    );
    expect(isOtherStreamClosed).toBe(true);
  });

  it("can only be iterated once, since its streams are consumed", async () => {
    const merge = mergeByQueryOrder([pages([candidate("Host:a", 0, "Org", "1")])]);
    for await (const winner of merge) expect(winner.indicatorId).toBe("1");
    await expect(async () => {
      for await (const winner of merge) expect(winner).toBeUndefined();
    }).rejects.toThrow("only be iterated once");
  });

  it("merges 1,000,000 candidates with bounded memory", async () => {
    setFlagsFromString("--expose-gc");
    const collectGarbage = runInNewContext("gc") as () => void;
    const pageSize = 1_000;
    // Query 0 holds keys [0, 400k), query 1 [200k, 600k), query 2 [0, 200k): 1M candidates, 600k distinct keys.
    function* query(queryPosition: number, from: number, to: number): Generator<DedupeCandidate[]> {
      for (let start = from; start < to; start += pageSize) {
        const page: DedupeCandidate[] = [];
        for (let n = start; n < Math.min(start + pageSize, to); n += 1) {
          page.push({
            dedupeKey: `Host:h${String(n).padStart(7, "0")}.example`,
            queryPosition,
            ownerName: "Org",
            indicatorId: String(9_007_199_254_740_993n + BigInt(n)),
          });
        }
        yield page;
      }
    }
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peakGrowth = 0;
    const winnersByQuery = [0, 0, 0];
    let winners = 0;
    const merge = mergeByQueryOrder([
      streamOf(query(0, 0, 400_000)),
      streamOf(query(1, 200_000, 600_000)),
      streamOf(query(2, 0, 200_000)),
    ]);
    for await (const winner of merge) {
      winners += 1;
      winnersByQuery[winner.queryPosition] = (winnersByQuery[winner.queryPosition] ?? 0) + 1;
      if (winners % 100_000 === 0) {
        collectGarbage();
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(winners).toBe(600_000);
    expect(winnersByQuery).toEqual([400_000, 200_000, 0]);
    expect(merge.droppedDuplicates).toBe(400_000);
    // Holding the candidates would take well over 100 MB; three pages of 1,000 take well under 1 MB.
    expect(peakGrowth).toBeLessThan(8 * 1024 * 1024);
  });
});
