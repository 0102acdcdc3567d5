import { cleanOldRecords } from "@/server/sync";
import { cleanerRequested } from "../events";
import type { PipelineContext } from "../pipeline";
import { taskStep } from "../task-steps";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Daily: jobs, tasks, errors and staging older than the retention go; the run shows in TASKS as a cleaner task. */
export function createCleanOldRecords(context: PipelineContext) {
  return context.inngest.createFunction(
    {
      id: "clean-old-records",
      name: "Clean old sync records",
      triggers: [{ cron: "TZ=UTC 17 3 * * *" }, cleanerRequested],
      middleware: context.middleware,
    },
    async ({ step }) =>
      step.run(
        taskStep("cleaner", "clean", `Remove sync records older than ${context.retentionDays} days`),
        async () => {
          const olderThan = new Date(context.system.deps.now().getTime() - context.retentionDays * DAY_MS);
          return cleanOldRecords(context.system, { olderThan });
        },
      ),
  );
}
