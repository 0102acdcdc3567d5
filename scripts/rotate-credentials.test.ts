import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDatabaseClient } from "@/db/client";
import { organizations, services } from "@/db/schema";
import { createAppDependencies } from "@/server/deps";
import { createServiceInput } from "@/server/services/service-input";
import { createService } from "@/server/services/services";
import { TEST_KEYS } from "@/test/db";
import { createScratchDatabase, type ScratchDatabase } from "@/test/database-server";
import { AZURE_SECRET, serviceInput } from "@/test/services";

// The command rewrites every service in its database, so it runs against a database of its own.
let scratch: ScratchDatabase;

beforeAll(async () => {
  scratch = await createScratchDatabase("sb_rotate_cli");
  const client = createDatabaseClient(scratch.url, { max: 1 });
  const [org] = await client.db.insert(organizations).values({ slug: "rotate-cli", name: "Rotate CLI" }).returning();
  if (!org) throw new Error("org insert returned nothing");
  const scope = {
    db: client.db,
    deps: createAppDependencies({ CREDENTIALS_ENCRYPTION_KEYS: TEST_KEYS.a }),
    orgId: org.id,
    actorUserId: null,
  };
  for (const name of ["one", "two"]) await createService(scope, createServiceInput.parse(serviceInput({ name })));
  await client.close();
});
afterAll(() => scratch.drop());

function rotate(keys: string) {
  return promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/rotate-credentials.ts"], {
    env: { ...process.env, DATABASE_URL: scratch.url, CREDENTIALS_ENCRYPTION_KEYS: keys },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe("npm run credentials:rotate", () => {
  test("reports counts; a key id no longer configured is named; secrets never printed", async () => {
    const orphan = `orphan:${Buffer.alloc(32, 0x0f).toString("base64")}`;
    const rotated = await rotate(`${orphan},${TEST_KEYS.a}`);
    expect(rotated).toMatchObject({ code: 0, stderr: "" });
    expect(rotated.stdout).toContain('active key "orphan"; 2 services, 4 secrets re-encrypted, 0 already current');

    const missingKey = await rotate(TEST_KEYS.a);
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toContain('encrypted under key id "orphan", which is not in CREDENTIALS_ENCRYPTION_KEYS');
    expect(missingKey.stderr + missingKey.stdout).not.toContain(AZURE_SECRET);

    const unconfigured = await rotate("");
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain("needs DATABASE_URL and CREDENTIALS_ENCRYPTION_KEYS");
  });

  test("a failed database write is reported without the ciphertexts its query carried", async () => {
    const client = createDatabaseClient(scratch.url, { max: 1 });
    const stored = await client.db
      .select({ a: services.clientSecretEncrypted, b: services.threatConnectSecretKeyEncrypted })
      .from(services);
    await client.db.execute(sql`
      create function refuse_writes() returns trigger language plpgsql as $$
      begin raise exception 'disk quota exceeded'; end $$;
      create trigger refuse_writes before update on services for each row execute function refuse_writes();
    `);
    await client.close();
    const fresh = `fresh:${Buffer.alloc(32, 0x5a).toString("base64")}`;
    const orphan = `orphan:${Buffer.alloc(32, 0x0f).toString("base64")}`;
    const failed = await rotate(`${fresh},${orphan},${TEST_KEYS.a}`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("disk quota exceeded");
    expect(failed.stderr).toMatch(/Failed query: update "services"/);
    for (const { a, b } of stored) {
      expect(failed.stderr).not.toContain(a.slice(-40));
      expect(failed.stderr).not.toContain(b.slice(-40));
    }
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(failed.stderr).not.toMatch(/[A-Za-z0-9+/_-]{40,}/);
  });
});
