import { and, desc, eq, sql } from "drizzle-orm";
import { validate as validateUuid } from "uuid";
import { auditLog, users } from "@/db/schema";
import type { AuditAction, AuditTargetType } from "@/lib/vocabulary";
import { DomainError } from "../errors";
import type { Scope } from "../scope";

export type AuditPageInput = { limit: number; cursor?: string; targetId?: string };

export type AuditEntryView = {
  id: string;
  at: Date;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  diff: Record<string, unknown>;
  actor: { id: string; name: string | null; email: string } | null;
};

export type AuditPage = { entries: AuditEntryView[]; nextCursor: string | null };

// The cursor is the last entry's (at, id): stable under concurrent inserts, unlike an offset. Postgres keeps
// microseconds and a JS Date only milliseconds, so ordering and comparison both use the millisecond value.
const atMillis = sql<Date>`date_trunc('milliseconds', ${auditLog.at})`;

function encodeCursor(entry: { at: Date; id: string }): string {
  return Buffer.from(`${entry.at.toISOString()}|${entry.id}`, "utf8").toString("base64url");
}

/**
 * Only exactly what encodeCursor writes is accepted, so nothing malformed reaches the `::uuid` and
 * `::timestamptz` casts, where it would fail as a server error instead of the caller's bad input.
 */
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at = "", id = "", ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at);
  // "9999-99-99T99:99:99.999Z" has the canonical shape but no time value, and toISOString would throw on it.
  const isCanonicalDate =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at) &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString() === at;
  if (rest.length > 0 || !isCanonicalDate || !validateUuid(id)) {
    throw new DomainError("BAD_REQUEST", "Cursor is not one this list returned", "cursor");
  }
  return { at: date, id };
}

/** Newest first, one org only. */
export async function listAuditEntries(scope: Scope, input: AuditPageInput): Promise<AuditPage> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await scope.db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      diff: auditLog.diff,
      actorId: users.id,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.orgId, scope.orgId),
        input.targetId ? eq(auditLog.targetId, input.targetId) : undefined,
        after
          ? sql`(${atMillis}, ${auditLog.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(atMillis), desc(auditLog.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    entries: page.map(({ actorId, actorName, actorEmail, ...entry }) => ({
      ...entry,
      actor: actorId && actorEmail ? { id: actorId, name: actorName, email: actorEmail } : null,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}
