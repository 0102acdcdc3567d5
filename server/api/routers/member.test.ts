import { and, eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { memberships } from "@/db/schema";
import { addMember, callerFor, makeOrg, testDb } from "@/test/db";

async function roleOf(membershipId: string) {
  const [row] = await testDb
    .select({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.id, membershipId));
  return row?.role;
}

describe("member router", () => {
  test("list shows the org's members to any member, NOT_FOUND to outsiders", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const { owner: outsider } = await makeOrg();
    const list = await callerFor(member).member.list({ orgSlug: org.slug });
    expect(list.map((m) => m.email).sort()).toEqual([owner.email, member.email].sort());
    await expect(callerFor(outsider).member.list({ orgSlug: org.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("admins change member roles; members cannot; outsiders get NOT_FOUND", async () => {
    const { org } = await makeOrg();
    const { user: admin } = await addMember(org.id, "admin");
    const { user: member, membership } = await addMember(org.id, "member");
    const { owner: outsider } = await makeOrg();

    await expect(
      callerFor(member).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      callerFor(outsider).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "admin" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await roleOf(membership.id)).toBe("member");

    await callerFor(admin).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "admin" });
    expect(await roleOf(membership.id)).toBe("admin");
    expect(member.id).toBeTruthy();
  });

  test("a membership id from another org is NOT_FOUND even for that org's own owner", async () => {
    const { org: orgA } = await makeOrg();
    const { membership: memberOfA } = await addMember(orgA.id, "member");
    const { org: orgB, owner: ownerB } = await makeOrg();
    await expect(
      callerFor(ownerB).member.changeRole({ orgSlug: orgB.slug, membershipId: memberOfA.id, role: "admin" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      callerFor(ownerB).member.remove({ orgSlug: orgB.slug, membershipId: memberOfA.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await roleOf(memberOfA.id)).toBe("member");
  });

  test("only owners grant or remove the owner role", async () => {
    const { org } = await makeOrg();
    const { user: admin } = await addMember(org.id, "admin");
    const { membership } = await addMember(org.id, "member");
    await expect(
      callerFor(admin).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "owner" }),
    ).rejects.toThrow(/Only owners/);
  });

  test("the last owner can be neither demoted nor removed, but can be once another owner exists", async () => {
    const { org, owner } = await makeOrg();
    const [ownerMembership] = await testDb
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, org.id), eq(memberships.userId, owner.id)));
    const ownerMembershipId = ownerMembership?.id ?? "";
    const api = callerFor(owner);
    await expect(
      api.member.changeRole({ orgSlug: org.slug, membershipId: ownerMembershipId, role: "admin" }),
    ).rejects.toThrow(/last owner/);
    await expect(api.member.remove({ orgSlug: org.slug, membershipId: ownerMembershipId })).rejects.toThrow(
      /last owner/,
    );

    const { membership: second } = await addMember(org.id, "admin");
    await api.member.changeRole({ orgSlug: org.slug, membershipId: second.id, role: "owner" });
    await api.member.changeRole({ orgSlug: org.slug, membershipId: ownerMembershipId, role: "admin" });
    expect(await roleOf(ownerMembershipId)).toBe("admin");
  });

  test("members may leave; members may not remove others; admins may not remove owners", async () => {
    const { org, owner } = await makeOrg();
    const { user: member, membership: memberMembership } = await addMember(org.id, "member");
    const { user: admin, membership: adminMembership } = await addMember(org.id, "admin");
    const [ownerMembership] = await testDb
      .select()
      .from(memberships)
      .where(and(eq(memberships.orgId, org.id), eq(memberships.userId, owner.id)));

    await expect(
      callerFor(member).member.remove({ orgSlug: org.slug, membershipId: adminMembership.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      callerFor(admin).member.remove({ orgSlug: org.slug, membershipId: ownerMembership?.id ?? "" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callerFor(member).member.remove({ orgSlug: org.slug, membershipId: memberMembership.id });
    expect(await roleOf(memberMembership.id)).toBeUndefined();
  });

  test("invalid ids and roles come back with the field and reason", async () => {
    const { org, owner } = await makeOrg();
    const error = await callerFor(owner)
      .member.changeRole({ orgSlug: org.slug, membershipId: "nope", role: "admin" })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/Member id must be a UUID/);
  });
});
