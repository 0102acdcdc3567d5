import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { NotificationDelivery, NotificationKind } from "@/lib/vocabulary";
import { orgIdColumn } from "./organizations";
import { services } from "./services";
import { jobs } from "./sync";

const at = () => timestamp({ withTimezone: true, precision: 3 });

/**
 * Every failure and recovery notice, sent or not: the outbox admins read in the portal when no SMTP server is
 * configured, and the record of what was mailed when one is.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    /** The job whose outcome the notice reports; kept when the cleaner removes the job. */
    jobId: uuid().references(() => jobs.id, { onDelete: "set null" }),
    requestId: text().notNull(),
    kind: text().$type<NotificationKind>().notNull(),
    recipients: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    subject: text().notNull(),
    body: text().notNull(),
    delivery: text().$type<NotificationDelivery>().notNull(),
    error: text(),
    createdAt: at().notNull(),
    sentAt: at(),
  },
  (table) => [
    index("notifications_org_created_idx").on(table.orgId, table.createdAt.desc(), table.id.desc()),
    index("notifications_service_created_idx").on(table.serviceId, table.createdAt.desc()),
    check("notifications_kind_check", sql`${table.kind} in ('failure', 'recovery')`),
  ],
);

export type Notification = typeof notifications.$inferSelect;
