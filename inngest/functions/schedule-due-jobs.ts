import { dueServices, requestJob } from "@/server/sync";
import type { PipelineContext } from "../pipeline";

/**
 * Every minute: a job for each enabled service whose schedule interval has passed since its last start. One step
 * per service, so a retry never requests a service's job twice; the oldest due services go first, and a backlog
 * larger than one run's share waits for the next minute instead of outgrowing Inngest's steps-per-run limit.
 */
const MAX_SERVICES_PER_RUN = 500;

export function createScheduleDueJobs(context: PipelineContext) {
  return context.inngest.createFunction(
    {
      id: "schedule-due-jobs",
      name: "Start scheduled sync jobs",
      triggers: [{ cron: "* * * * *" }],
      concurrency: { limit: 1 },
      middleware: context.middleware,
    },
    async ({ step }) => {
      const due = await step.run("find-due-services", async () =>
        (await dueServices(context.system, { now: context.system.deps.now() })).slice(0, MAX_SERVICES_PER_RUN),
      );
      for (const service of due) {
        await step.run(`request-${service.serviceId}`, () =>
          requestJob(context.scopeFor(service.orgId), {
            serviceId: service.serviceId,
            mode: service.mode,
            trigger: "schedule",
          }),
        );
      }
      return { requested: due.length };
    },
  );
}
