import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, organizationDeletions, organizations, users, type Organization } from "@/db/schema";
import { diffOf, recordAudit } from "../audit/record-audit";
import { DomainError, notFound } from "../errors";
import { withDb, type PersonScope, type Scope } from "../scope";
import { slugBase } from "../slug";

// Top-level paths the org slug shares the URL space with.
const RESERVED_SLUGS = new Set(["api", "orgs", "sign-in", "sign-up", "sign-out", "invite", "new", "settings", "_next"]);

export const orgNameSchema = z
  .string()
  .trim()
  .min(2, "Name must be at least 2 characters")
  .max(80, "Name must be at most 80 characters");

export const orgSlugSchema = z
  .string()
  .trim()
  .min(3, "URL slug must be at least 3 characters")
  .max(48, "URL slug must be at most 48 characters")
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "URL slug may use lowercase letters, digits and single hyphens")
  .refine((slug) => !RESERVED_SLUGS.has(slug), "This URL slug is reserved");

export const createOrganizationInput = z.object({ name: orgNameSchema, slug: orgSlugSchema.optional() });
export type CreateOrganizationInput = z.infer<typeof createOrganizationInput>;

export function slugify(name: string): string {
  const slug = slugBase(name, 40);
  return slug.length >= 3 ? slug : `org-${slug || "new"}`;
}

export async function createOrganization(scope: PersonScope, input: CreateOrganizationInput) {
  const slug = input.slug ?? slugify(input.name);
  if (RESERVED_SLUGS.has(slug)) throw new DomainError("CONFLICT", "This URL slug is reserved", "slug");
  return scope.db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name: input.name, slug })
      .onConflictDoNothing({ target: organizations.slug })
      .returning();
    if (!org) throw new DomainError("CONFLICT", `The URL slug "${slug}" is taken; choose another`, "slug");
    await tx.insert(memberships).values({ orgId: org.id, userId: scope.actorUserId, role: "owner" });
    await recordAudit(
      { ...withDb(scope, tx), orgId: org.id },
      {
        action: "organization.created",
        targetType: "organization",
        targetId: org.id,
        diff: { name: org.name, slug: org.slug },
      },
    );
    return org;
  });
}

export async function listMyOrganizations(scope: PersonScope) {
  return scope.db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, scope.actorUserId))
    .orderBy(asc(organizations.name));
}

/** The scope's own organization; the row every org-level verb starts from. */
async function getOrganization(scope: Scope): Promise<Organization> {
  const [org] = await scope.db.select().from(organizations).where(eq(organizations.id, scope.orgId));
  if (!org) throw notFound("Organization");
  return org;
}

export async function renameOrganization(scope: Scope, input: { name: string }) {
  return scope.db.transaction(async (tx) => {
    const txScope = withDb(scope, tx);
    const org = await getOrganization(txScope);
    const [updated] = await tx
      .update(organizations)
      .set({ name: input.name })
      .where(eq(organizations.id, org.id))
      .returning();
    await recordAudit(txScope, {
      action: "organization.renamed",
      targetType: "organization",
      targetId: org.id,
      diff: diffOf({ name: org.name }, { name: input.name }),
    });
    return updated ?? org;
  });
}

/**
 * Cascades to every org-owned row, the org's audit trail included; the platform-level deletion record (who,
 * when, slug, id) is written in the same transaction, so no organization disappears without a trace.
 */
export async function deleteOrganization(scope: Scope, input: { confirmSlug: string }) {
  const org = await getOrganization(scope);
  if (input.confirmSlug !== org.slug) {
    throw new DomainError("BAD_REQUEST", `Type "${org.slug}" to confirm deletion`, "confirmSlug");
  }
  await scope.db.transaction(async (tx) => {
    const [actor] = scope.actorUserId
      ? await tx.select({ email: users.email }).from(users).where(eq(users.id, scope.actorUserId))
      : [];
    await tx.insert(organizationDeletions).values({
      orgId: org.id,
      orgSlug: org.slug,
      orgName: org.name,
      deletedByUserId: scope.actorUserId,
      deletedByEmail: actor?.email ?? null,
      deletedAt: scope.deps.now(),
    });
    await tx.delete(organizations).where(eq(organizations.id, org.id));
  });
}
