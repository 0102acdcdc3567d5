import { and, asc, count, eq } from "drizzle-orm";
import { memberships, users, type Membership } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import { recordAudit } from "../audit/record-audit";
import { DomainError, notFound } from "../errors";
import { withDb, type Scope } from "../scope";
import { revokeInvitationsBeyondGrant } from "./inviter-grants";

export async function listMembers(scope: Scope) {
  return scope.db
    .select({
      id: memberships.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, scope.orgId))
    .orderBy(asc(users.email));
}

export async function getMembershipInOrg(scope: Scope, input: { membershipId: string }) {
  const [membership] = await scope.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, scope.orgId), eq(memberships.id, input.membershipId)));
  if (!membership) throw notFound("Member");
  return membership;
}

/**
 * The acting person's membership, read in the verb's own transaction so a role changed a moment ago counts.
 * The system (no actor) holds no role: role-gated verbs are for people.
 */
export async function getActorMembership(scope: Scope): Promise<Membership> {
  const [membership] = scope.actorUserId
    ? await scope.db
        .select()
        .from(memberships)
        .where(and(eq(memberships.orgId, scope.orgId), eq(memberships.userId, scope.actorUserId)))
    : [];
  if (!membership) throw new DomainError("FORBIDDEN", "Only members of this organization can do this");
  return membership;
}

async function ownerCount(scope: Scope) {
  const [row] = await scope.db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, scope.orgId), eq(memberships.role, "owner")));
  return row?.n ?? 0;
}

// Row lock on the org's owners so two concurrent demotions cannot both see "another owner remains".
async function lockOwners(scope: Scope) {
  await scope.db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.orgId, scope.orgId), eq(memberships.role, "owner")))
    .for("update");
}

export async function changeMemberRole(scope: Scope, input: { membershipId: string; role: Role }): Promise<Membership> {
  return scope.db.transaction(async (tx) => {
    const txScope = withDb(scope, tx);
    await lockOwners(txScope);
    const actor = await getActorMembership(txScope);
    const target = await getMembershipInOrg(txScope, input);
    if (target.role === input.role) return target;
    if ((target.role === "owner" || input.role === "owner") && actor.role !== "owner") {
      throw new DomainError("FORBIDDEN", "Only owners can grant or remove the owner role", "role");
    }
    if (target.role === "owner" && (await ownerCount(txScope)) <= 1) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "The last owner cannot be demoted; make someone else owner first",
        "role",
      );
    }
    const [updated] = await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.orgId, scope.orgId), eq(memberships.id, target.id)))
      .returning();
    await recordAudit(txScope, {
      action: "member.role_changed",
      targetType: "membership",
      targetId: target.id,
      diff: { role: { before: target.role, after: input.role }, userId: target.userId },
    });
    await revokeInvitationsBeyondGrant(txScope, { inviterUserId: target.userId, role: input.role });
    return updated ?? target;
  });
}

/** Anyone may leave; removing someone else takes an admin, and removing an owner takes an owner. */
export async function removeMember(scope: Scope, input: { membershipId: string }): Promise<void> {
  await scope.db.transaction(async (tx) => {
    const txScope = withDb(scope, tx);
    await lockOwners(txScope);
    const actor = await getActorMembership(txScope);
    const target = await getMembershipInOrg(txScope, input);
    const isSelf = target.id === actor.id;
    if (!isSelf && actor.role === "member") throw new DomainError("FORBIDDEN", "Only admins can remove members");
    if (!isSelf && target.role === "owner" && actor.role !== "owner") {
      throw new DomainError("FORBIDDEN", "Only owners can remove an owner");
    }
    if (target.role === "owner" && (await ownerCount(txScope)) <= 1) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "The last owner cannot leave; make someone else owner or delete the organization",
      );
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, scope.orgId), eq(memberships.id, target.id)));
    await recordAudit(txScope, {
      action: isSelf ? "member.left" : "member.removed",
      targetType: "membership",
      targetId: target.id,
      diff: { userId: target.userId, role: target.role },
    });
    await revokeInvitationsBeyondGrant(txScope, { inviterUserId: target.userId, role: null });
  });
}
