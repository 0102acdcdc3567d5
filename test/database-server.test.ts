import postgres from "postgres";
import { afterAll, expect, test } from "vitest";
import { createDatabase, dropDatabase, withDatabase } from "@/db/dev-database";
import { createScratchDatabase, type ScratchDatabase } from "./database-server";
import { pidOfExitedProcess } from "./exited-process";
import { currentScratchOwner, scratchDatabaseName } from "./scratch-database-name";

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
if (!testDatabaseUrl) throw new Error("TEST_DATABASE_URL is not set; run tests through vitest (test/global-setup.ts)");
const adminUrl = withDatabase(testDatabaseUrl, "postgres");
const made: string[] = [];
let scratch: ScratchDatabase | undefined;

afterAll(async () => {
  for (const name of made) await dropDatabase(adminUrl, name);
  await scratch?.drop();
});

async function existing(names: string[]): Promise<string[]> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname in ${sql(names)}`;
    return rows.map((row) => row.datname).sort();
  } finally {
    await sql.end();
  }
}

test("a new scratch database first drops those left by exited processes of this host, and only those", async () => {
  const owner = currentScratchOwner();
  const killedRun = scratchDatabaseName("sb_prune", { ...owner, pid: await pidOfExitedProcess() });
  const liveRun = scratchDatabaseName("sb_prune", owner);
  const otherHost = scratchDatabaseName("sb_prune", { namespace: "00000000", pid: await pidOfExitedProcess() });
  for (const name of [killedRun, liveRun, otherHost]) {
    await createDatabase(adminUrl, name);
    made.push(name);
  }

  scratch = await createScratchDatabase("sb_prune");

  expect(await existing([killedRun, liveRun, otherHost])).toEqual([liveRun, otherHost].sort());
});
