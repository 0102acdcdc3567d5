import { auditLog } from "@/db/schema";
import type { AuditAction, AuditTargetType } from "@/lib/vocabulary";
import type { Scope } from "../scope";

/** What happened; who and in which organization come from the scope. */
export interface AuditEvent {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId?: string | null;
  diff?: Record<string, unknown>;
}

/** Call with the scope of the transaction that makes the change, so the log can never disagree with the data. */
export async function recordAudit(scope: Scope, event: AuditEvent): Promise<void> {
  await scope.db.insert(auditLog).values({
    ...event,
    orgId: scope.orgId,
    actorUserId: scope.actorUserId,
    targetId: event.targetId ?? null,
    diff: event.diff ?? {},
  });
}

/** JSON with object keys sorted, so values read back from jsonb (which reorders keys) compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === "object" && !Array.isArray(nested) && !(nested instanceof Date)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}

/** Before/after pairs for the keys whose values differ. */
export function diffOf<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, unknown> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after)) {
    // A key present with the value undefined (superjson keeps those) is a field left out, not one cleared.
    if (after[key] === undefined) continue;
    if (canonicalJson(before[key]) !== canonicalJson(after[key]))
      changes[key] = { before: before[key], after: after[key] };
  }
  return changes;
}
