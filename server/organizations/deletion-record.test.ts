import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { organizationDeletions, organizations } from "@/db/schema";
import { callerFor, makeOrg, testDb, testDeps } from "@/test/db";

describe("organization deletion record", () => {
  test("deleting an org leaves a platform-level record of who deleted which org and when", async () => {
    const { org, owner } = await makeOrg();
    const deletedAt = new Date("2026-11-30T12:00:00Z");
    await callerFor(owner, testDeps({ now: () => deletedAt })).organization.delete({
      orgSlug: org.slug,
      confirmSlug: org.slug,
    });
    expect(await testDb.select().from(organizations).where(eq(organizations.id, org.id))).toEqual([]);
    const records = await testDb.select().from(organizationDeletions).where(eq(organizationDeletions.orgId, org.id));
    expect(records).toEqual([
      expect.objectContaining({
        orgSlug: org.slug,
        orgName: org.name,
        deletedByUserId: owner.id,
        deletedByEmail: owner.email,
        deletedAt,
      }),
    ]);
  });

  test("a refused deletion records nothing", async () => {
    const { org, owner } = await makeOrg();
    await expect(
      callerFor(owner).organization.delete({ orgSlug: org.slug, confirmSlug: "not-the-slug" }),
    ).rejects.toThrow(/to confirm deletion/);
    expect(await testDb.select().from(organizationDeletions).where(eq(organizationDeletions.orgId, org.id))).toEqual(
      [],
    );
  });
});
