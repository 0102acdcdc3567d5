import { eq } from "drizzle-orm";
import { hashPassword } from "../server/auth/password";
import type { Database } from "./client";
import { memberships, organizations, users } from "./schema";

export const DEMO_ORG_SLUG = "demo";

/** Idempotent: re-running keeps existing data and resets only the demo admin's password to the given one. */
export async function seedDemo(db: Database, admin: { email: string; password: string }) {
  const email = admin.email.toLowerCase();
  const passwordHash = await hashPassword(admin.password);
  const [user] = await db
    .insert(users)
    .values({ email, name: "Demo Admin", passwordHash })
    .onConflictDoUpdate({ target: users.email, set: { passwordHash } })
    .returning();
  if (!user) throw new Error("seed: demo user upsert returned nothing");

  await db
    .insert(organizations)
    .values({ slug: DEMO_ORG_SLUG, name: "Demo Organization" })
    .onConflictDoNothing({ target: organizations.slug });
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, DEMO_ORG_SLUG));
  if (!org) throw new Error("seed: demo organization missing after insert");

  await db.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner" }).onConflictDoNothing();
  return { user, org };
}
