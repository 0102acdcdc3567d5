import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabaseClient } from "@/db/client";
import { testDb } from "@/test/db";
import { waitUntil } from "@/test/pipeline/scenario";

/**
 * A backend terminated while a transaction's query runs on it. Unpatched postgres.js 3.4.9 then throws an uncaught
 * TypeError from its deferred write of the transaction's ROLLBACK (porsager/postgres#1154, #1208), which fails this
 * file's run; patches/postgres+3.4.9.patch turns it into a rejected transaction and a pool that keeps working.
 */
const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error("TEST_DATABASE_URL is not set; run through vitest");
const client = createDatabaseClient(url, { max: 3 });
afterAll(() => client.close());

/** Starts `count` transactions that each hold a long query in flight, and their backends' pids once they run it. */
async function transactionsMidQuery(count: number) {
  const pids: number[] = [];
  const outcomes = Array.from({ length: count }, () =>
    client.db.transaction(async (tx) => {
      const [row] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      if (!row) throw new Error("no backend pid");
      pids.push(row.pid);
      await tx.execute(sql`select pg_sleep(30)`);
    }),
  );
  const settled = Promise.allSettled(outcomes);
  await waitUntil("every transaction to be in its long query", 20_000, async () => {
    if (pids.length < count) return undefined;
    const running = await testDb.execute<{ pid: number }>(
      sql`select pid from pg_stat_activity where state = 'active' and query like 'select pg_sleep%'`,
    );
    const active = new Set(running.map((row) => row.pid));
    return pids.every((pid) => active.has(pid)) ? true : undefined;
  });
  return { pids, settled };
}

async function terminate(pids: number[]) {
  for (const pid of pids) await testDb.execute(sql`select pg_terminate_backend(${pid})`);
}

describe("a Postgres backend terminated in the middle of a transaction's query", () => {
  it("rejects that transaction with a connection error, and the pool's next queries succeed", async () => {
    const { pids, settled } = await transactionsMidQuery(1);
    await terminate(pids);

    const [outcome] = await settled;
    expect(outcome?.status).toBe("rejected");
    const reason = (outcome as PromiseRejectedResult).reason as { code?: string };
    expect(reason.code).toMatch(/CONNECTION_CLOSED|57P01/);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const [row] = await client.db.execute<{ one: number }>(sql`select 1 as one`);
      expect(row?.one).toBe(1);
    }
  });

  it("rejects every transaction of the pool when all its busy backends go at once, then serves new ones", async () => {
    const { pids, settled } = await transactionsMidQuery(3);
    await terminate(pids);

    const outcomes = await settled;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    const again = await Promise.all(
      [1, 2, 3].map((n) => client.db.transaction(async (tx) => tx.execute<{ n: number }>(sql`select ${n}::int as n`))),
    );
    expect(again.map((rows) => rows[0]?.n)).toEqual([1, 2, 3]);
  });
});
