import { Badge } from "@/app/_components/ui";
import type { JobStatus, TaskStatus } from "@/lib/vocabulary";
import { JOB_STATUS_LABELS, TASK_STATUS_LABELS } from "./dashboard-types";

const JOB_TONES = {
  queued: "neutral",
  running: "info",
  succeeded: "success",
  partially_succeeded: "warning",
  failed: "danger",
  cancelled: "neutral",
} as const satisfies Record<JobStatus, string>;

const TASK_TONES = {
  running: "info",
  succeeded: "success",
  failed: "danger",
  cancelled: "neutral",
} as const satisfies Record<TaskStatus, string>;

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return <Badge tone={JOB_TONES[status]}>{JOB_STATUS_LABELS[status]}</Badge>;
}

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return <Badge tone={TASK_TONES[status]}>{TASK_STATUS_LABELS[status]}</Badge>;
}
