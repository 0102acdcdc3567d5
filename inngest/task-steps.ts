import { TASK_KINDS, type TaskKind } from "@/lib/vocabulary";

/**
 * A step that is a task in TASKS carries its kind in its id ("upload:batch", "download:q2-p3") and its label in
 * its name, so the task-recording middleware learns both from Inngest's own step info and no pipeline code ever
 * writes a task row. Steps without a kind (bookkeeping such as starting the job or fanning out) are not tasks.
 */
export function taskStep(kind: TaskKind, id: string, label: string): { id: string; name: string } {
  return { id: `${kind}:${id}`, name: label };
}

export function taskKindOfStep(stepId: string): TaskKind | undefined {
  const prefix = stepId.slice(0, stepId.indexOf(":"));
  return TASK_KINDS.find((kind) => kind === prefix);
}
