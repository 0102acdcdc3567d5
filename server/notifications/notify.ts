import { and, desc, eq, inArray } from "drizzle-orm";
import { jobs, notifications, organizations, serviceSyncState, type Notification, type services } from "@/db/schema";
import type { NotificationKind } from "@/lib/vocabulary";
import { getJobInOrg } from "../jobs/job-rows";
import type { Scope } from "../scope";
import { getServiceInOrg } from "../services/services";

type ServiceRow = typeof services.$inferSelect;
type JobRow = typeof jobs.$inferSelect;

/**
 * What the service's state calls for, given the last notice sent about it: one failure notice per bad spell.
 * `threshold` failed jobs in a row are reported even while restarts are still being tried.
 */
export function noticeDue(
  state: { consecutiveFailures: number; failingSince: Date | null } | undefined,
  lastKind: NotificationKind | undefined,
  threshold: number,
): NotificationKind | null {
  const isFailing = Boolean(state?.failingSince) || (state?.consecutiveFailures ?? 0) >= threshold;
  const isHealthy = !state || (state.consecutiveFailures === 0 && !state.failingSince);
  if (isFailing && lastKind !== "failure") return "failure";
  if (isHealthy && lastKind === "failure") return "recovery";
  return null;
}

/**
 * A mail is read outside the portal, where a path leads nowhere: without the portal's public URL the notice says
 * where to find the job instead of carrying a link that cannot work.
 */
export function jobLink(portalUrl: string | null, orgSlug: string, requestId: string): string {
  if (!portalUrl) {
    return `Find job ${requestId} in the portal's JOBS page (this server has no PORTAL_URL, so notices carry no link).`;
  }
  return new URL(`/${orgSlug}/jobs/${requestId}`, portalUrl).toString();
}

/**
 * Why the failure is final, in terms of what was really tried: `attempt` is the failed job's restart number, so a
 * service set to 0 restarts never had any, and a failure restarting cannot fix (bad credentials) stops early.
 */
export function failedForGoodReason(attempt: number, maxRestartAttempts: number): string {
  const restarts = `${attempt} restart${attempt === 1 ? "" : "s"}`;
  if (maxRestartAttempts === 0) return "failed and is not set to restart (maximum restart attempts: 0)";
  if (attempt >= maxRestartAttempts) return `failed for good after ${restarts}, the most it is set to try`;
  return attempt === 0
    ? "failed with an error that restarting cannot fix, so it was not restarted"
    : `failed for good after ${restarts}: the last error is one that restarting cannot fix`;
}

function compose(
  kind: NotificationKind,
  input: { service: ServiceRow; job: JobRow; failures: number; forGood: boolean; link: string },
) {
  const { service, job } = input;
  if (kind === "recovery") {
    return {
      subject: `[Sentinel Bridge] ${service.name} recovered`,
      body: `${service.name} synced successfully again: job ${job.requestId} ${job.status.replace("_", " ")}.\n\n${input.link}\n`,
    };
  }
  const why = input.forGood
    ? failedForGoodReason(job.attempt, service.maxRestartAttempts)
    : `failed ${input.failures} times in a row`;
  return {
    subject: `[Sentinel Bridge] ${service.name} is failing`,
    body: `${service.name} ${why}.\n\nLast job: ${job.requestId}\nReason: ${job.error ?? "see the job's errors"}\n\n${input.link}\n`,
  };
}

/**
 * Sends the notice the service's state calls for, if any: a failure notice when a job failed for good or the
 * service failed as many jobs in a row as its failure notification threshold, and a recovery notice after the
 * next success. The decision and the notice row are made under a lock on the service, so concurrent callers (the
 * finished-job event and the sweep) never send one twice. Without a mailer, or without recipients, the notice stays in the outbox.
 */
export async function notifyServiceHealth(scope: Scope, input: { serviceId: string }): Promise<Notification | null> {
  const notice = await scope.db.transaction(async (tx) => {
    const service = await getServiceInOrg({ ...scope, db: tx }, { serviceId: input.serviceId, forUpdate: true });
    const [org] = await tx
      .select({ slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, scope.orgId));
    const [state] = await tx.select().from(serviceSyncState).where(eq(serviceSyncState.serviceId, service.id));
    const [last] = await tx
      .select({ kind: notifications.kind })
      .from(notifications)
      .where(and(eq(notifications.orgId, scope.orgId), eq(notifications.serviceId, service.id)))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(1);
    const kind = noticeDue(state, last?.kind, service.failureNotificationThreshold);
    if (!kind) return null;
    const [job] = await tx
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.orgId, scope.orgId),
          eq(jobs.serviceId, service.id),
          inArray(jobs.status, kind === "failure" ? ["failed"] : ["succeeded", "partially_succeeded"]),
        ),
      )
      .orderBy(desc(jobs.finishedAt), desc(jobs.createdAt))
      .limit(1);
    if (!job) return null;
    const message = compose(kind, {
      service,
      job,
      failures: state?.consecutiveFailures ?? 0,
      forGood: Boolean(state?.failingSince),
      link: jobLink(scope.deps.portalUrl, org?.slug ?? "", job.requestId),
    });
    const canMail = scope.deps.mailer !== null && service.notificationEmails.length > 0;
    const [row] = await tx
      .insert(notifications)
      .values({
        orgId: scope.orgId,
        serviceId: service.id,
        jobId: job.id,
        requestId: job.requestId,
        kind,
        recipients: service.notificationEmails,
        ...message,
        delivery: canMail ? "pending" : "outbox",
        createdAt: scope.deps.now(),
      })
      .returning();
    return row ?? null;
  });
  const mailer = scope.deps.mailer;
  if (notice?.delivery !== "pending" || !mailer) return notice;
  // Mailed after the commit: a slow SMTP server must not hold the service's lock.
  const outcome = await mailer.send({ to: notice.recipients, subject: notice.subject, text: notice.body }).then(
    () => ({ delivery: "sent" as const, sentAt: scope.deps.now(), error: null }),
    (error: unknown) => ({
      delivery: "failed" as const,
      sentAt: null,
      error: (error instanceof Error ? error.message : "The SMTP server refused the message").slice(0, 500),
    }),
  );
  const [updated] = await scope.db
    .update(notifications)
    .set(outcome)
    .where(eq(notifications.id, notice.id))
    .returning();
  return updated ?? notice;
}

/** After a job ends: the notice its service's state now calls for. */
export async function notifyJobOutcome(scope: Scope, input: { jobId: string }) {
  const job = await getJobInOrg(scope.db, scope.orgId, { jobId: input.jobId });
  return notifyServiceHealth(scope, { serviceId: job.serviceId });
}
