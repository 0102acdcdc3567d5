import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { AzureCloud, IndicatorType, QuerySortField, RunMode, SentinelApi, SortDirection } from "@/lib/vocabulary";
import { timestamps } from "./columns";
import { orgIdColumn } from "./organizations";

/** The names the portal's components still use; the vocabulary lives in lib/vocabulary.ts. */
export type {
  AzureCloud as AzureCloudSetting,
  SentinelApi as SentinelApiSetting,
  QuerySortField,
  SortDirection as QuerySortDirection,
};

export const services = pgTable(
  "services",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    name: text().notNull(),
    slug: text().notNull(),
    isEnabled: boolean().notNull().default(true),
    azureCloud: text().$type<AzureCloud>().notNull().default("public"),
    sentinelApi: text().$type<SentinelApi>().notNull().default("stix-objects"),
    tenantId: text().notNull(),
    clientId: text().notNull(),
    workspaceId: text().notNull(),
    /** Envelope from server/crypto (key id, IV, ciphertext+tag); never selected by anything that answers a client. */
    clientSecretEncrypted: text().notNull(),
    clientSecretUpdatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sourceName: text().notNull(),
    threatConnectBaseUrl: text().notNull(),
    threatConnectAccessId: text().notNull(),
    threatConnectSecretKeyEncrypted: text().notNull(),
    threatConnectSecretKeyUpdatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    scheduleIntervalHours: integer().notNull().default(24),
    ttlHours: jsonb().$type<Record<IndicatorType, number>>().notNull(),
    notificationEmails: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    maxRestartAttempts: integer().notNull().default(10),
    /** How many failed runs in a row before the failure notice goes out. */
    failureNotificationThreshold: integer().notNull().default(3),
    /** What the next scheduled run must do: resend everything, or only what changed since the last successful run. */
    nextRunMode: text().$type<RunMode>().notNull().default("full"),
    lastSuccessfulRunAt: timestamp({ withTimezone: true }),
    /** Bumped by every atomic save of the query list, so a run can tell which list it started from. */
    queriesVersion: integer().notNull().default(0),
    ...timestamps,
  },
  (table) => [
    index("services_org_id_idx").on(table.orgId),
    uniqueIndex("services_org_name_idx").on(table.orgId, table.name),
    uniqueIndex("services_org_slug_idx").on(table.orgId, table.slug),
    check("services_next_run_mode_check", sql`${table.nextRunMode} in ('delta', 'full')`),
    check(
      "services_failure_notification_threshold_check",
      sql`${table.failureNotificationThreshold} between 1 and 100`,
    ),
  ],
);

export const serviceQueries = pgTable(
  "service_queries",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    /** 0 is the highest: when queries return the same indicator, the copy from the lowest position wins. */
    position: integer().notNull(),
    owners: text().array().notNull(),
    types: text().array().$type<IndicatorType[]>().notNull(),
    tql: text().notNull(),
    sortField: text().$type<QuerySortField>().notNull().default("dateAdded"),
    sortDirection: text().$type<SortDirection>().notNull().default("ASC"),
    ...timestamps,
  },
  (table) => [
    index("service_queries_org_id_idx").on(table.orgId),
    uniqueIndex("service_queries_service_position_idx").on(table.serviceId, table.position),
  ],
);

export type Service = typeof services.$inferSelect;
export type ServiceQuery = typeof serviceQueries.$inferSelect;
