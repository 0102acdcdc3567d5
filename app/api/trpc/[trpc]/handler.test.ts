import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { users } from "@/db/schema";
import { MAX_TRPC_BATCH_SIZE } from "@/lib/trpc-limits";
import { testDb, testDeps } from "@/test/db";
import { createTrpcHandler } from "./handler";

const handler = createTrpcHandler((headers) =>
  Promise.resolve({ db: testDb, deps: testDeps(), session: null, headers }),
);

function batchedSignUps(emails: string[]) {
  const paths = emails.map(() => "account.signUp").join(",");
  const body = Object.fromEntries(
    emails.map((email, index) => [index, { json: { name: "Batch", email, password: "long enough pw" } }]),
  );
  return handler(
    new Request(`http://127.0.0.1/api/trpc/${paths}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.77" },
      body: JSON.stringify(body),
    }),
  );
}

const emailsOf = (count: number) => Array.from({ length: count }, () => `${randomUUID()}@example.test`);

describe("tRPC endpoint", () => {
  test("a batch over the cap is refused whole with a 400, before any procedure runs", async () => {
    const emails = emailsOf(MAX_TRPC_BATCH_SIZE + 1);
    const response = await batchedSignUps(emails);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Batch call exceeds maximum size");
    expect(await testDb.select().from(users).where(inArray(users.email, emails))).toEqual([]);
  });

  test("batches within the cap still run", async () => {
    const emails = emailsOf(2);
    const response = await batchedSignUps(emails);
    expect(response.status).toBe(200);
    expect(await testDb.select().from(users).where(inArray(users.email, emails))).toHaveLength(2);
  });
});
