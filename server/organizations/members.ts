import { and, asc, count, eq } from "drizzle-orm";
import type { Database, DatabaseOrTransaction } from "@/db/client";
import { memberships, users, type Membership } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import { recordAudit } from "../audit/record-audit";
import { DomainError, notFound } from "../errors";

export async function listMembers(db: Database, orgId: string) {
  return db
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
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
}

export async function getMembershipInOrg(db: DatabaseOrTransaction, orgId: string, membershipId: string) {
  const [membership] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.id, membershipId)));
  if (!membership) throw notFound("Member");
  return membership;
}

async function ownerCount(db: DatabaseOrTransaction, orgId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  return row?.n ?? 0;
}

// Row lock on the org's owners so two concurrent demotions cannot both see "another owner remains".
async function lockOwners(db: DatabaseOrTransaction, orgId: string) {
  await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")))
    .for("update");
}

export async function changeMemberRole(
  db: Database,
  actor: Membership,
  input: { membershipId: string; role: Role },
): Promise<Membership> {
  return db.transaction(async (tx) => {
    await lockOwners(tx, actor.orgId);
    const target = await getMembershipInOrg(tx, actor.orgId, input.membershipId);
    if (target.role === input.role) return target;
    if ((target.role === "owner" || input.role === "owner") && actor.role !== "owner") {
      throw new DomainError("FORBIDDEN", "Only owners can grant or remove the owner role", "role");
    }
    if (target.role === "owner" && (await ownerCount(tx, actor.orgId)) <= 1) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "The last owner cannot be demoted; make someone else owner first",
        "role",
      );
    }
    const [updated] = await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.id, target.id)))
      .returning();
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: "member.role_changed",
      targetType: "membership",
      targetId: target.id,
      diff: { role: { before: target.role, after: input.role }, userId: target.userId },
    });
    return updated ?? target;
  });
}

/** Anyone may leave; removing someone else takes an admin, and removing an owner takes an owner. */
export async function removeMember(db: Database, actor: Membership, membershipId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockOwners(tx, actor.orgId);
    const target = await getMembershipInOrg(tx, actor.orgId, membershipId);
    const isSelf = target.id === actor.id;
    if (!isSelf && actor.role === "member") throw new DomainError("FORBIDDEN", "Only admins can remove members");
    if (!isSelf && target.role === "owner" && actor.role !== "owner") {
      throw new DomainError("FORBIDDEN", "Only owners can remove an owner");
    }
    if (target.role === "owner" && (await ownerCount(tx, actor.orgId)) <= 1) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "The last owner cannot leave; make someone else owner or delete the organization",
      );
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, actor.orgId), eq(memberships.id, target.id)));
    await recordAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      action: isSelf ? "member.left" : "member.removed",
      targetType: "membership",
      targetId: target.id,
      diff: { userId: target.userId, role: target.role },
    });
  });
}
