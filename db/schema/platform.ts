import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Platform-level record of deleted organizations. Deliberately no foreign keys: the organization's own rows,
 * audit log included, cascade away with it, and the record must also outlive the deleting user's account.
 */
export const organizationDeletions = pgTable("organization_deletions", {
  id: uuid().primaryKey().defaultRandom(),
  orgId: uuid().notNull(),
  orgSlug: text().notNull(),
  orgName: text().notNull(),
  /** Null when the system deleted it (maintenance), otherwise the owner who did. */
  deletedByUserId: text(),
  deletedByEmail: text(),
  deletedAt: timestamp({ withTimezone: true }).notNull(),
});
