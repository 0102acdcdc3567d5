import { finalizeJob } from "@/server/sync";
import { jobFinished } from "../events";
import type { PipelineContext } from "../pipeline";
import { taskStep } from "../task-steps";

/**
 * The finalize task, for whichever run ends the job: sets the final status and counts, then announces it. The
 * event id is the job's, so a replayed step announces the end once.
 */
export function finalizeJobStep(context: PipelineContext, input: { orgId: string; jobId: string }) {
  return [
    taskStep("finalize", "finalize", "Finalize job"),
    async () => {
      const finalized = await finalizeJob(context.scopeFor(input.orgId), { jobId: input.jobId });
      await context.inngest.send(
        jobFinished.create({ ...input, status: finalized.status }, { id: `job-finished-${input.jobId}` }),
      );
      return finalized;
    },
  ] as const;
}
