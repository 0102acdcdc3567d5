import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { auditLog, organizations } from "@/db/schema";
import { addMember, callerFor, makeOrg, makeUser, testDb } from "@/test/db";

async function auditActions(orgId: string) {
  const rows = await testDb.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.orgId, orgId));
  return rows.map((row) => row.action);
}

describe("organization router", () => {
  test("create makes the caller owner, derives a slug, and audits", async () => {
    const user = await makeUser();
    const api = callerFor(user);
    const org = await api.organization.create({ name: `Acme Security ${user.id.slice(0, 6)}` });
    expect(org.slug).toMatch(/^acme-security-/);
    const mine = await api.organization.listMine();
    expect(mine).toContainEqual(expect.objectContaining({ slug: org.slug, role: "owner" }));
    expect(await auditActions(org.id)).toEqual(["organization.created"]);
  });

  test("create rejects a taken slug on the slug field", async () => {
    const { org } = await makeOrg();
    const api = callerFor(await makeUser());
    const error = await api.organization.create({ name: "Other", slug: org.slug }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect((error as TRPCError).message).toMatch(/taken/);
  });

  test("create validates name and slug with field-level reasons", async () => {
    const api = callerFor(await makeUser());
    await expect(api.organization.create({ name: "x" })).rejects.toThrow(/at least 2 characters/);
    await expect(api.organization.create({ name: "Valid", slug: "Bad Slug" })).rejects.toThrow(/lowercase letters/);
    await expect(api.organization.create({ name: "Valid", slug: "api" })).rejects.toThrow(/reserved/);
  });

  test("signed-out callers are refused", async () => {
    await expect(callerFor(null).organization.listMine()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("bySlug answers members with their role and NOT_FOUND for everyone else", async () => {
    const { org, owner } = await makeOrg();
    const { org: otherOrg, owner: outsider } = await makeOrg();
    expect(await callerFor(owner).organization.bySlug({ orgSlug: org.slug })).toMatchObject({ myRole: "owner" });
    await expect(callerFor(outsider).organization.bySlug({ orgSlug: org.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerFor(owner).organization.bySlug({ orgSlug: "no-such-org" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(otherOrg.id).not.toBe(org.id);
  });

  test("rename needs admin; members are forbidden; other orgs get NOT_FOUND; nothing changes", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const { user: admin } = await addMember(org.id, "admin");
    const { owner: outsider } = await makeOrg();

    await expect(callerFor(member).organization.rename({ orgSlug: org.slug, name: "Hijacked" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      callerFor(outsider).organization.rename({ orgSlug: org.slug, name: "Hijacked" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const [unchanged] = await testDb.select().from(organizations).where(eq(organizations.id, org.id));
    expect(unchanged?.name).toBe(org.name);

    await callerFor(admin).organization.rename({ orgSlug: org.slug, name: "Renamed Org" });
    const [renamed] = await testDb.select().from(organizations).where(eq(organizations.id, org.id));
    expect(renamed?.name).toBe("Renamed Org");
    expect(await auditActions(org.id)).toContain("organization.renamed");
    expect(owner.id).toBeTruthy();
  });

  test("delete is owner-only, needs the slug typed, and cascades", async () => {
    const { org, owner } = await makeOrg();
    const { user: admin } = await addMember(org.id, "admin");
    const { owner: outsider } = await makeOrg();
    await expect(
      callerFor(admin).organization.delete({ orgSlug: org.slug, confirmSlug: org.slug }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      callerFor(outsider).organization.delete({ orgSlug: org.slug, confirmSlug: org.slug }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(owner).organization.delete({ orgSlug: org.slug, confirmSlug: "wrong" })).rejects.toThrow(
      /to confirm deletion/,
    );
    await callerFor(owner).organization.delete({ orgSlug: org.slug, confirmSlug: org.slug });
    expect(await testDb.select().from(organizations).where(eq(organizations.id, org.id))).toEqual([]);
    expect(await auditActions(org.id)).toEqual([]);
  });
});
