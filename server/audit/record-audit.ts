import type { DatabaseOrTransaction } from "../../db/client";
import { auditLog } from "../../db/schema";

export interface AuditEvent {
  orgId: string;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  diff?: Record<string, unknown>;
}

/** Call inside the same transaction as the change it describes, so the log can never disagree with the data. */
export async function recordAudit(db: DatabaseOrTransaction, event: AuditEvent): Promise<void> {
  await db.insert(auditLog).values({ ...event, targetId: event.targetId ?? null, diff: event.diff ?? {} });
}

/** Before/after pairs for the keys whose values differ. */
export function diffOf<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, unknown> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { before: before[key], after: after[key] };
  }
  return changes;
}
