import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { auditLog, invitations, memberships } from "@/db/schema";
import { addMember, callerFor, makeOrg, makeUser, testDb } from "@/test/db";

describe("invitation router", () => {
  test("admin invites, the invited account accepts once, and becomes a member with the role", async () => {
    const { org, owner } = await makeOrg();
    const invitee = await makeUser();
    const created = await callerFor(owner).invitation.create({
      orgSlug: org.slug,
      email: invitee.email,
      role: "admin",
    });
    expect(created.token.length).toBeGreaterThan(30);
    expect(created.invitation).not.toHaveProperty("tokenHash");

    const [stored] = await testDb.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(stored?.tokenHash).not.toContain(created.token);

    expect(await callerFor(null).invitation.describe({ token: created.token })).toMatchObject({
      orgName: org.name,
      role: "admin",
      status: "pending",
    });
    expect(await callerFor(invitee).invitation.accept({ token: created.token })).toEqual({ orgSlug: org.slug });
    expect(await callerFor(invitee).organization.bySlug({ orgSlug: org.slug })).toMatchObject({ myRole: "admin" });
    await expect(callerFor(invitee).invitation.accept({ token: created.token })).rejects.toThrow(/already been used/);

    const actions = await testDb.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.orgId, org.id));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["invitation.created", "invitation.accepted"]));
  });

  test("a link opened by a different account is refused and creates no membership", async () => {
    const { org, owner } = await makeOrg();
    const { token } = await callerFor(owner).invitation.create({
      orgSlug: org.slug,
      email: "someone-else@example.test",
      role: "member",
    });
    const stranger = await makeUser();
    await expect(callerFor(stranger).invitation.accept({ token })).rejects.toThrow(/is for someone-else@example.test/);
    const rows = await testDb.select().from(memberships).where(eq(memberships.userId, stranger.id));
    expect(rows).toEqual([]);
  });

  test("revoked and expired invitations cannot be accepted", async () => {
    const { org, owner } = await makeOrg();
    const invitee = await makeUser();
    const api = callerFor(owner);
    const first = await api.invitation.create({ orgSlug: org.slug, email: invitee.email, role: "member" });
    await api.invitation.revoke({ orgSlug: org.slug, invitationId: first.invitation.id });
    await expect(callerFor(invitee).invitation.accept({ token: first.token })).rejects.toThrow(/revoked/);

    const second = await api.invitation.create({ orgSlug: org.slug, email: invitee.email, role: "member" });
    await testDb
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, second.invitation.id));
    await expect(callerFor(invitee).invitation.accept({ token: second.token })).rejects.toThrow(/expired/);
    const listed = await api.invitation.list({ orgSlug: org.slug });
    expect(listed.map((i) => i.status).sort()).toEqual(["expired", "revoked"]);
  });

  test("re-inviting the same email revokes the earlier link", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const first = await api.invitation.create({ orgSlug: org.slug, email: "twice@example.test", role: "member" });
    await api.invitation.create({ orgSlug: org.slug, email: "twice@example.test", role: "admin" });
    expect(await callerFor(null).invitation.describe({ token: first.token })).toMatchObject({ status: "revoked" });
  });

  test("members cannot invite or list; admins cannot invite owners; existing members are refused", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const { user: admin } = await addMember(org.id, "admin");
    await expect(
      callerFor(member).invitation.create({ orgSlug: org.slug, email: "x@example.test", role: "member" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(member).invitation.list({ orgSlug: org.slug })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      callerFor(admin).invitation.create({ orgSlug: org.slug, email: "x@example.test", role: "owner" }),
    ).rejects.toThrow(/Only owners can invite owners/);
    await expect(
      callerFor(owner).invitation.create({ orgSlug: org.slug, email: member.email, role: "member" }),
    ).rejects.toThrow(/already a member/);
    await expect(
      callerFor(owner).invitation.create({ orgSlug: org.slug, email: "not-an-email", role: "member" }),
    ).rejects.toThrow(/valid email/);
  });

  test("org B cannot create, list or revoke org A's invitations", async () => {
    const { org: orgA, owner: ownerA } = await makeOrg();
    const { org: orgB, owner: ownerB } = await makeOrg();
    const created = await callerFor(ownerA).invitation.create({
      orgSlug: orgA.slug,
      email: "a@example.test",
      role: "member",
    });
    await expect(
      callerFor(ownerB).invitation.create({ orgSlug: orgA.slug, email: "b@example.test", role: "member" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(ownerB).invitation.list({ orgSlug: orgA.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      callerFor(ownerB).invitation.revoke({ orgSlug: orgB.slug, invitationId: created.invitation.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await callerFor(null).invitation.describe({ token: created.token })).toMatchObject({ status: "pending" });
  });

  test("an account without an email (possible with single sign-on) is told why it cannot accept", async () => {
    const { org, owner } = await makeOrg();
    const { token } = await callerFor(owner).invitation.create({
      orgSlug: org.slug,
      email: "x@example.test",
      role: "member",
    });
    const noEmail = await makeUser();
    await expect(callerFor({ ...noEmail, email: "" }).invitation.accept({ token })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/no email address/),
    });
  });

  test("unknown tokens are NOT_FOUND; accepting needs a session", async () => {
    await expect(callerFor(null).invitation.describe({ token: "x".repeat(43) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerFor(null).invitation.accept({ token: "x".repeat(43) })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
