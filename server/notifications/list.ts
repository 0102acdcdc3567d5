import { and, desc, eq, sql } from "drizzle-orm";
import { notifications, services } from "@/db/schema";
import { z } from "zod";
import { decodeKeysetCursor, keysetPage } from "../reports/cursor";
import type { Scope } from "../scope";

export const listNotificationsInput = z.object({
  cursor: z.string("Cursor must be text").min(1, "Cursor must not be empty").optional(),
  limit: z
    .number("Limit must be a number")
    .int("Limit must be a whole number")
    .min(1, "Limit must be from 1 to 100")
    .max(100, "Limit must be from 1 to 100")
    .default(25),
});

/** The org's notices, newest first: the outbox when no SMTP server is configured, the mail log when one is. */
export async function listNotifications(scope: Scope, input: z.infer<typeof listNotificationsInput>) {
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : undefined;
  const rows = await scope.db
    .select({
      id: notifications.id,
      serviceName: services.name,
      requestId: notifications.requestId,
      kind: notifications.kind,
      recipients: notifications.recipients,
      subject: notifications.subject,
      body: notifications.body,
      delivery: notifications.delivery,
      error: notifications.error,
      createdAt: notifications.createdAt,
      sentAt: notifications.sentAt,
    })
    .from(notifications)
    .innerJoin(services, and(eq(services.id, notifications.serviceId), eq(services.orgId, scope.orgId)))
    .where(
      and(
        eq(notifications.orgId, scope.orgId),
        after
          ? sql`(${notifications.createdAt}, ${notifications.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(input.limit + 1);
  return keysetPage(rows, input.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
