import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { invitations, memberships, organizations, users, type Invitation } from "@/db/schema";
import { ROLES } from "@/lib/vocabulary";
import { emailSchema } from "../auth/credentials";
import { recordAudit } from "../audit/record-audit";
import { DomainError, notFound } from "../errors";
import { withDb, type SystemScope, type PersonScope, type Scope } from "../scope";
import { canGrant } from "./inviter-grants";
import { getActorMembership } from "./members";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const createInvitationInput = z.object({
  email: emailSchema,
  role: z.enum(ROLES, "Role must be owner, admin or member"),
});
export type CreateInvitationInput = z.infer<typeof createInvitationInput>;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export function invitationStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (invitation.acceptedAt) return "accepted";
  if (invitation.isRevoked) return "revoked";
  if (invitation.expiresAt <= now) return "expired";
  return "pending";
}

/**
 * Returns the one-time token exactly once; only its hash is stored. A pending invitation to the same email is
 * revoked, so at most one link per person works at a time.
 */
export async function createInvitation(scope: Scope, input: CreateInvitationInput) {
  const now = scope.deps.now();
  const actor = await getActorMembership(scope);
  if (!canGrant(actor.role, input.role)) {
    const message = input.role === "owner" ? "Only owners can invite owners" : "Only admins can invite people";
    throw new DomainError("FORBIDDEN", message, "role");
  }
  const [existingMember] = await scope.db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, scope.orgId), eq(users.email, input.email)));
  if (existingMember) throw new DomainError("CONFLICT", `${input.email} is already a member`, "email");

  const token = randomBytes(32).toString("base64url");
  const invitation = await scope.db.transaction(async (tx) => {
    await tx
      .update(invitations)
      .set({ isRevoked: true })
      .where(
        and(
          eq(invitations.orgId, scope.orgId),
          eq(invitations.email, input.email),
          isNull(invitations.acceptedAt),
          eq(invitations.isRevoked, false),
        ),
      );
    const [created] = await tx
      .insert(invitations)
      .values({
        orgId: scope.orgId,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedByUserId: scope.actorUserId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    if (!created) throw new Error("invitation insert returned no row");
    await recordAudit(withDb(scope, tx), {
      action: "invitation.created",
      targetType: "invitation",
      targetId: created.id,
      diff: { email: input.email, role: input.role },
    });
    return created;
  });
  return { invitation: toPublicInvitation(invitation, now), token };
}

// Explicit shape: never return token_hash.
function toPublicInvitation(invitation: Invitation, now: Date) {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
    createdAt: invitation.createdAt,
    status: invitationStatus(invitation, now),
  };
}

export async function listInvitations(scope: Scope) {
  const rows = await scope.db
    .select()
    .from(invitations)
    .where(eq(invitations.orgId, scope.orgId))
    .orderBy(desc(invitations.createdAt));
  const now = scope.deps.now();
  return rows.map((row) => toPublicInvitation(row, now));
}

export async function revokeInvitation(scope: Scope, input: { invitationId: string }) {
  await scope.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(invitations)
      .set({ isRevoked: true })
      .where(
        and(eq(invitations.orgId, scope.orgId), eq(invitations.id, input.invitationId), isNull(invitations.acceptedAt)),
      )
      .returning({ id: invitations.id, email: invitations.email });
    if (!revoked) throw notFound("Pending invitation");
    await recordAudit(withDb(scope, tx), {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: revoked.id,
      diff: { email: revoked.email },
    });
  });
}

async function findByToken(scope: SystemScope, token: string) {
  const [row] = await scope.db
    .select({
      invitation: invitations,
      org: { id: organizations.id, name: organizations.name, slug: organizations.slug },
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row) throw notFound("Invitation");
  return row;
}

/** What the invitation page shows a visitor holding the link (signed in or not). */
export async function describeInvitation(scope: SystemScope, input: { token: string }) {
  const { invitation, org } = await findByToken(scope, input.token);
  return {
    orgName: org.name,
    orgSlug: org.slug,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, scope.deps.now()),
  };
}

const unusableMessage: Record<Exclude<InvitationStatus, "pending">, string> = {
  accepted: "This invitation has already been used",
  revoked: "This invitation was revoked; ask an admin for a new one",
  expired: "This invitation has expired; ask an admin for a new one",
};

/** The link alone is not enough: it must be opened by the account it was sent to. */
export async function acceptInvitation(scope: PersonScope, input: { token: string; email: string }) {
  const now = scope.deps.now();
  return scope.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ invitation: invitations, orgSlug: organizations.slug })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.orgId))
      .where(eq(invitations.tokenHash, hashToken(input.token)))
      .for("update");
    if (!row) throw notFound("Invitation");
    const { invitation } = row;
    const status = invitationStatus(invitation, now);
    if (status !== "pending") throw new DomainError("PRECONDITION_FAILED", unusableMessage[status]);
    if (invitation.email !== input.email.toLowerCase()) {
      throw new DomainError(
        "FORBIDDEN",
        `This invitation is for ${invitation.email}; sign in with that account to accept it`,
      );
    }
    await requireInviterStanding(tx, invitation);
    const [membership] = await tx
      .insert(memberships)
      .values({ orgId: invitation.orgId, userId: scope.actorUserId, role: invitation.role })
      .onConflictDoNothing()
      .returning();
    if (!membership) throw new DomainError("CONFLICT", "You are already a member of this organization");
    await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedByUserId: scope.actorUserId })
      .where(and(eq(invitations.id, invitation.id), gt(invitations.expiresAt, now)));
    await recordAudit(
      { ...withDb(scope, tx), orgId: invitation.orgId },
      {
        action: "invitation.accepted",
        targetType: "membership",
        targetId: membership.id,
        diff: { email: invitation.email, role: invitation.role },
      },
    );
    return { orgSlug: row.orgSlug };
  });
}

/**
 * Checked at acceptance too, not only when the sender's role changes: the sender must still belong to the org
 * with a role that may grant the invited one.
 */
async function requireInviterStanding(db: SystemScope["db"], invitation: Invitation) {
  const [inviter] = invitation.invitedByUserId
    ? await db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.orgId, invitation.orgId), eq(memberships.userId, invitation.invitedByUserId)))
    : [];
  if (!canGrant(inviter?.role ?? null, invitation.role)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `This invitation is no longer valid: its sender can no longer grant the ${invitation.role} role; ask an admin for a new one`,
    );
  }
}
