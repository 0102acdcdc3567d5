import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { addMember, makeOrg, testScope } from "@/test/db";
import { DomainError } from "../errors";
import { changeMemberRole, removeMember } from "./members";
import { createInvitation } from "./invitations";
import { deleteOrganization, renameOrganization } from "./organizations";

describe("role-gated verbs called with a domain scope", () => {
  test("the system and non-members hold no role, so they cannot change roles, remove members or invite", async () => {
    const { org } = await makeOrg();
    const { membership } = await addMember(org.id, "member");
    const outsider = (await makeOrg()).owner;
    for (const actorUserId of [null, outsider.id]) {
      const scope = testScope({ orgId: org.id, actorUserId });
      const attempts = [
        () => changeMemberRole(scope, { membershipId: membership.id, role: "admin" }),
        () => removeMember(scope, { membershipId: membership.id }),
        () => createInvitation(scope, { email: "someone@example.test", role: "member" }),
      ];
      for (const attempt of attempts) {
        await expect(attempt()).rejects.toMatchObject({
          code: "FORBIDDEN",
          message: "Only members of this organization can do this",
        });
      }
    }
  });

  test("invitations expire seven days after the scope's clock, not the machine's", async () => {
    const { org, owner } = await makeOrg();
    const now = new Date("2031-05-01T12:00:00.000Z");
    const scope = testScope({ orgId: org.id, actorUserId: owner.id });
    const { invitation } = await createInvitation(
      { ...scope, deps: { ...scope.deps, now: () => now } },
      { email: "clock@example.test", role: "member" },
    );
    expect(invitation.expiresAt).toEqual(new Date("2031-05-08T12:00:00.000Z"));
    expect(invitation.status).toBe("pending");
  });

  test("an organization scope for an organization that does not exist answers NOT_FOUND", async () => {
    const scope = testScope({ orgId: randomUUID(), actorUserId: null });
    for (const attempt of [
      () => renameOrganization(scope, { name: "Renamed" }),
      () => deleteOrganization(scope, { confirmSlug: "whatever" }),
    ]) {
      const error: unknown = await attempt().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: "NOT_FOUND", message: "Organization not found" });
    }
  });
});
