import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDatabaseClient, type Database } from "@/db/client";
import { auditLog, organizations, services } from "@/db/schema";
import { TEST_KEYS, testDeps } from "@/test/db";
import { createScratchDatabase, type ScratchDatabase } from "@/test/database-server";
import { AZURE_SECRET, serviceInput, TC_SECRET } from "@/test/services";
import { createCredentialCipher, parseKeyring } from "../crypto";
import { createServiceInput } from "./service-input";
import { rotateCredentials } from "./rotate-credentials";
import { createService, decryptServiceSecret } from "./services";

// Rotation touches every service in a database, so it gets its own database instead of the shared test one.
let scratch: ScratchDatabase;
let client: ReturnType<typeof createDatabaseClient>;
let db: Database;
const oldKeyFirst = () => ({ db, deps: testDeps() });
const newKeyFirst = () => ({
  db,
  deps: testDeps({ cipher: createCredentialCipher(parseKeyring(`${TEST_KEYS.b},${TEST_KEYS.a}`)) }),
});

beforeAll(async () => {
  scratch = await createScratchDatabase("sb_rotate");
  client = createDatabaseClient(scratch.url, { max: 2 });
  db = client.db;
});
afterAll(async () => {
  await client.close();
  await scratch.drop();
});

async function makeService(name: string) {
  const [org] = await db
    .insert(organizations)
    .values({ slug: `rotate-${name}`, name })
    .returning();
  if (!org) throw new Error("org insert returned nothing");
  return createService(
    { ...oldKeyFirst(), orgId: org.id, actorUserId: null },
    createServiceInput.parse(serviceInput({ name })),
  );
}

async function rowOf(id: string) {
  const [row] = await db.select().from(services).where(eq(services.id, id));
  if (!row) throw new Error("service row missing");
  return row;
}

describe("credential rotation", () => {
  test("re-encrypts every secret under the new active key, keeps values and dates, and is idempotent", async () => {
    const first = await makeService("first");
    const second = await makeService("second");
    const before = await rowOf(first.id);
    expect(before.clientSecretEncrypted).toMatch(/^v1\.test-a\./);

    const report = await rotateCredentials(newKeyFirst());
    expect(report).toEqual({ activeKeyId: "test-b", services: 2, reencrypted: 4, alreadyCurrent: 0 });

    const after = await rowOf(first.id);
    expect(after.clientSecretEncrypted).toMatch(/^v1\.test-b\./);
    expect(after.threatConnectSecretKeyEncrypted).toMatch(/^v1\.test-b\./);
    expect(after.clientSecretUpdatedAt).toEqual(before.clientSecretUpdatedAt);
    // Only the new key is needed from now on: the old one can be dropped from the environment.
    const newKeyOnly = createCredentialCipher(parseKeyring(TEST_KEYS.b));
    expect(decryptServiceSecret(newKeyOnly, after, "clientSecret")).toBe(AZURE_SECRET);
    expect(decryptServiceSecret(newKeyOnly, await rowOf(second.id), "threatConnectSecretKey")).toBe(TC_SECRET);
    const audit = await db.select().from(auditLog).where(eq(auditLog.targetId, first.id));
    expect(audit.map((entry) => entry.action).sort()).toEqual(["service.created", "service.credentials_reencrypted"]);
    expect(JSON.stringify(audit)).not.toContain(AZURE_SECRET);

    expect(await rotateCredentials(newKeyFirst())).toEqual({
      activeKeyId: "test-b",
      services: 2,
      reencrypted: 0,
      alreadyCurrent: 4,
    });
    expect((await rowOf(first.id)).clientSecretEncrypted).toBe(after.clientSecretEncrypted);
  });
});
