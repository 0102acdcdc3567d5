import postgres from "postgres";
import { expect, test } from "vitest";

test("the per-run test database is reachable", async () => {
  const url = process.env.TEST_DATABASE_URL;
  expect(url).toMatch(/sb_test_/);
  const sql = postgres(url ?? "", { max: 1 });
  const [row] = await sql<{ one: number }[]>`select 1 as one`;
  await sql.end();
  expect(row?.one).toBe(1);
});
