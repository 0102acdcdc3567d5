import { notifyJobOutcome, notifyServiceHealth, servicesDueNotice } from "@/server/notifications";
import { jobFinished } from "../events";
import type { PipelineContext } from "../pipeline";

/** A backlog larger than this waits for the next minute, keeping each run far inside Inngest's step limit. */
const MAX_SERVICES_PER_RUN = 200;

/** Step outputs carry ids only: a notice's text holds the recipients' addresses. */
const idsOf = (notice: { id: string; kind: string; delivery: string } | null) =>
  notice ? { id: notice.id, kind: notice.kind, delivery: notice.delivery } : null;

/** As soon as a job ends: the failure or recovery notice its service's state calls for. */
export function createNotifyJobOutcome(context: PipelineContext) {
  return context.inngest.createFunction(
    { id: "notify-job-outcome", name: "Notify a job's outcome", triggers: [jobFinished], retries: 3 },
    async ({ event, step }) => {
      const { orgId, jobId } = event.data;
      return step.run("notify", async () => idsOf(await notifyJobOutcome(context.scopeFor(orgId), { jobId })));
    },
  );
}

/**
 * Every minute: services whose state calls for a notice not yet sent. A job that fails for good ends in the
 * failure handler, not in finalize, so this sweep is what reports it; it also catches any missed event.
 */
export function createNotificationSweep(context: PipelineContext) {
  return context.inngest.createFunction(
    {
      id: "notification-sweep",
      name: "Send due failure and recovery notices",
      triggers: [{ cron: "* * * * *" }],
      concurrency: { limit: 1 },
    },
    async ({ step }) => {
      const due = await step.run("find-services", () => servicesDueNotice(context.system));
      for (const service of due.slice(0, MAX_SERVICES_PER_RUN)) {
        await step.run(`notify-${service.serviceId}`, async () =>
          idsOf(await notifyServiceHealth(context.scopeFor(service.orgId), { serviceId: service.serviceId })),
        );
      }
      return { services: due.length };
    },
  );
}
