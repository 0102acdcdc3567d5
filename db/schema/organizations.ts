import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { ROLES } from "@/lib/vocabulary";
import { timestamps } from "./columns";

export const roleEnum = pgEnum("role", ROLES);

/** Every tenant table's owner column: deleting the organization deletes the row. */
export const orgIdColumn = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export const organizations = pgTable("organizations", {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  ...timestamps,
});

export const memberships = pgTable(
  "memberships",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("memberships_org_user_idx").on(table.orgId, table.userId),
    index("memberships_org_id_idx").on(table.orgId),
    index("memberships_user_id_idx").on(table.userId),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    email: text().notNull(),
    role: roleEnum().notNull(),
    /** sha256 of the one-time token; the token itself is shown once, at creation. */
    tokenHash: text().notNull().unique(),
    invitedByUserId: text().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    isRevoked: boolean().notNull().default(false),
    acceptedAt: timestamp({ withTimezone: true }),
    acceptedByUserId: text().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("invitations_org_id_idx").on(table.orgId)],
);

export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
