import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { auditLog, invitations, memberships } from "@/db/schema";
import { addMember, callerFor, errorOf, makeOrg, makeUser, testDb } from "@/test/db";
import { canGrant } from "./inviter-grants";

async function statusOf(token: string) {
  return (await callerFor(null).invitation.describe({ token })).status;
}

describe("invitations follow their sender's standing", () => {
  test("removing an admin revokes the invitations they sent, so they cannot rejoin through their own link", async () => {
    const { org, owner } = await makeOrg();
    const { user: admin, membership } = await addMember(org.id, "admin");
    const secondAccount = await makeUser();
    const rejoin = await callerFor(admin).invitation.create({
      orgSlug: org.slug,
      email: secondAccount.email,
      role: "admin",
    });
    await callerFor(owner).member.remove({ orgSlug: org.slug, membershipId: membership.id });
    expect(await statusOf(rejoin.token)).toBe("revoked");
    const error = await errorOf(callerFor(secondAccount).invitation.accept({ token: rejoin.token }));
    expect(error).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/revoked/) });
    const revocations = await testDb
      .select({ targetId: auditLog.targetId })
      .from(auditLog)
      .where(eq(auditLog.action, "invitation.revoked"));
    expect(revocations.map(({ targetId }) => targetId)).toContain(rejoin.invitation.id);
  });

  test("demoting an owner to admin revokes only their owner invitations; demoting to member revokes the rest", async () => {
    const { org, owner } = await makeOrg();
    const { user: second, membership } = await addMember(org.id, "owner");
    const asOwner = await callerFor(second).invitation.create({
      orgSlug: org.slug,
      email: (await makeUser()).email,
      role: "owner",
    });
    const asAdmin = await callerFor(second).invitation.create({
      orgSlug: org.slug,
      email: (await makeUser()).email,
      role: "member",
    });
    await callerFor(owner).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "admin" });
    expect(await statusOf(asOwner.token)).toBe("revoked");
    expect(await statusOf(asAdmin.token)).toBe("pending");
    await callerFor(owner).member.changeRole({ orgSlug: org.slug, membershipId: membership.id, role: "member" });
    expect(await statusOf(asAdmin.token)).toBe("revoked");
  });

  test("accepting checks that the sender may still grant the role, even if the invitation was not revoked", async () => {
    const { org } = await makeOrg();
    const { user: admin, membership } = await addMember(org.id, "admin");
    const invitee = await makeUser();
    const created = await callerFor(admin).invitation.create({
      orgSlug: org.slug,
      email: invitee.email,
      role: "admin",
    });
    // A role changed outside the verbs (a database fix, a race): the link must not outlive the sender's rights.
    await testDb.update(memberships).set({ role: "member" }).where(eq(memberships.id, membership.id));
    const error = await errorOf(callerFor(invitee).invitation.accept({ token: created.token }));
    expect(error).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/sender can no longer grant the admin role/),
    });
    const [stored] = await testDb.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(stored?.acceptedAt).toBeNull();
  });

  test("owners grant any role, admins all but owner, members and former members none", () => {
    expect(canGrant("owner", "owner")).toBe(true);
    expect(canGrant("admin", "admin")).toBe(true);
    expect(canGrant("admin", "owner")).toBe(false);
    expect(canGrant("member", "member")).toBe(false);
    expect(canGrant(null, "member")).toBe(false);
  });
});
