/**
 * The words every layer shares: the database schema, the domain, the pipeline and the browser. Import-free on
 * purpose, so a client component or the schema can take a value from here without pulling in server code.
 */

/** The nine indicator types the product sends to Sentinel, spelled exactly as ThreatConnect's `typeName`. */
export const INDICATOR_TYPES = [
  "Address",
  "ASN",
  "CIDR",
  "EmailAddress",
  "Email Subject",
  "File",
  "Host",
  "Registry Key",
  "URL",
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export function isIndicatorType(value: string): value is IndicatorType {
  return (INDICATOR_TYPES as readonly string[]).includes(value);
}

/** ThreatConnect's sortable indicator fields: a query's sort is passed to its API unchanged. */
export const QUERY_SORT_FIELDS = [
  "dateAdded",
  "lastModified",
  "rating",
  "confidence",
  "threatAssessScore",
  "summary",
] as const;
export type QuerySortField = (typeof QUERY_SORT_FIELDS)[number];

export const SORT_DIRECTIONS = ["ASC", "DESC"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** Ordered from most to least powerful. */
export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const AZURE_CLOUDS = ["public", "usgov"] as const;
export type AzureCloud = (typeof AZURE_CLOUDS)[number];

/** Sentinel's two upload APIs: STIX objects (current) and the legacy indicators API. */
export const SENTINEL_APIS = ["stix-objects", "legacy-indicators"] as const;
export type SentinelApi = (typeof SENTINEL_APIS)[number];

/** What a run must do: resend everything, or only what changed since the last successful run. */
export const RUN_MODES = ["delta", "full"] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** Every action the audit log records. */
export const AUDIT_ACTIONS = [
  "organization.created",
  "organization.renamed",
  "member.role_changed",
  "member.removed",
  "member.left",
  "invitation.created",
  "invitation.revoked",
  "invitation.accepted",
  "service.created",
  "service.updated",
  "service.deleted",
  "service.queries_saved",
  "service.credentials_reencrypted",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The words the Audit tab shows after the actor's name; an action without a label does not typecheck. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  "organization.created": "created the organization",
  "organization.renamed": "renamed the organization",
  "member.role_changed": "changed a member's role",
  "member.removed": "removed a member",
  "member.left": "left the organization",
  "invitation.created": "invited someone",
  "invitation.revoked": "revoked an invitation",
  "invitation.accepted": "accepted an invitation",
  "service.created": "created the service",
  "service.updated": "changed settings",
  "service.deleted": "deleted the service",
  "service.queries_saved": "saved the queries",
  "service.credentials_reencrypted": "re-encrypted the stored secrets under the current key",
};

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

export const AUDIT_TARGET_TYPES = ["organization", "membership", "invitation", "service"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** A sync job's life: queued → running → one of the four final statuses. */
export const JOB_STATUSES = ["queued", "running", "succeeded", "partially_succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_JOB_STATUSES = ["succeeded", "partially_succeeded", "failed", "cancelled"] as const;
export type FinalJobStatus = (typeof FINAL_JOB_STATUSES)[number];

/** What started a job: the cron, "Save and Run", `job.run`, or the restart of a failed job. */
export const JOB_TRIGGERS = ["schedule", "save", "manual", "restart"] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** Where a job is, for the progress bar; errors name the phase they happened in. */
export const JOB_PHASES = ["queued", "download", "prepare", "upload", "finalize", "done"] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** Who produced a job error's message: ThreatConnect, Sentinel, or the STIX mapping. */
export const JOB_ERROR_SOURCES = ["threatconnect", "sentinel", "mapping"] as const;
export type JobErrorSource = (typeof JOB_ERROR_SOURCES)[number];

export const UPLOAD_BATCH_STATUSES = ["pending", "sent", "failed", "cancelled"] as const;
export type UploadBatchStatus = (typeof UPLOAD_BATCH_STATUSES)[number];

/** Why an object is in an upload batch. */
export const UPLOAD_REASONS = ["new", "changed", "keep_alive", "revoke"] as const;
export type UploadReason = (typeof UPLOAD_REASONS)[number];

export const TASK_KINDS = ["download", "prepare", "upload", "finalize", "cleaner"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ["running", "succeeded", "failed", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Failure and recovery notices sent to a service's notification emails. */
export const NOTIFICATION_KINDS = ["failure", "recovery"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
/** sent/failed: through SMTP; outbox: kept for the portal because no SMTP server is configured (or no recipient). */
export const NOTIFICATION_DELIVERIES = ["pending", "sent", "failed", "outbox"] as const;
export type NotificationDelivery = (typeof NOTIFICATION_DELIVERIES)[number];
