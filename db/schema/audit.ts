import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { AuditAction, AuditTargetType } from "@/lib/vocabulary";
import { users } from "./auth";
import { organizations } from "./organizations";

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    actorUserId: text().references(() => users.id, { onDelete: "set null" }),
    action: text().$type<AuditAction>().notNull(),
    targetType: text().$type<AuditTargetType>().notNull(),
    targetId: text(),
    /** Before/after of the fields that changed; secret fields appear only as "replaced". */
    diff: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("audit_log_org_id_idx").on(table.orgId, table.at)],
);

export type AuditEntry = typeof auditLog.$inferSelect;
