import { and, eq, gt, isNull } from "drizzle-orm";
import { invitations } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import { recordAudit } from "../audit/record-audit";
import type { Scope } from "../scope";

/**
 * Whether someone holding `inviterRole` (null: no longer a member) may hand out `invitedRole`: admins invite
 * admins and members, only owners invite owners. An invitation is only as good as its sender's standing, so
 * the same rule is applied when it is created, when the sender's role shrinks, and when it is accepted.
 */
export function canGrant(inviterRole: Role | null, invitedRole: Role): boolean {
  if (inviterRole === "owner") return true;
  return inviterRole === "admin" && invitedRole !== "owner";
}

/**
 * Revokes the pending invitations `inviterUserId` sent in this org that their new role (null: removed) can no
 * longer grant, each with its own audit entry; otherwise a removed or demoted admin could rejoin, or promote
 * themselves, through a link they made earlier. Runs in the caller's transaction.
 */
export async function revokeInvitationsBeyondGrant(
  scope: Scope,
  input: { inviterUserId: string; role: Role | null },
): Promise<void> {
  const pending = await scope.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, scope.orgId),
        eq(invitations.invitedByUserId, input.inviterUserId),
        isNull(invitations.acceptedAt),
        eq(invitations.isRevoked, false),
        gt(invitations.expiresAt, scope.deps.now()),
      ),
    );
  for (const invitation of pending.filter(({ role }) => !canGrant(input.role, role))) {
    await scope.db
      .update(invitations)
      .set({ isRevoked: true })
      .where(and(eq(invitations.orgId, scope.orgId), eq(invitations.id, invitation.id)));
    await recordAudit(scope, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: invitation.id,
      diff: { email: invitation.email, role: invitation.role, reason: "sender can no longer grant this role" },
    });
  }
}
