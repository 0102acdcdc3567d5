import { randomUUID } from "node:crypto";
import { jobErrors, jobs, sentState, tasks } from "@/db/schema";
import type { JobPhase, JobStatus, TaskKind, TaskStatus } from "@/lib/vocabulary";
import { callerFor, makeOrg, testDb, recordingEventSender, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";

/** An org with one service whose pipeline events are recorded instead of sent. */
export async function orgWithService() {
  const { org, owner } = await makeOrg();
  const { events, sender } = recordingEventSender();
  const deps = testDeps({ events: sender });
  const api = callerFor(owner, deps);
  const service = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
  return { org, owner, service, deps, events, api };
}

let requestCounter = 0;
const uniqueRequestId = () => `T${(Date.now() % 1e6).toString(36).toUpperCase()}${(requestCounter += 1)}`.slice(0, 10);

export async function seedJob(
  ref: { orgId: string; serviceId: string },
  values: { status?: JobStatus; createdAt?: Date; sentCount?: number } = {},
) {
  const [job] = await testDb
    .insert(jobs)
    .values({
      orgId: ref.orgId,
      serviceId: ref.serviceId,
      requestId: uniqueRequestId(),
      mode: "full",
      trigger: "manual",
      status: values.status ?? "succeeded",
      createdAt: values.createdAt ?? new Date(),
      sentCount: values.sentCount ?? 0,
    })
    .returning();
  if (!job) throw new Error("job insert returned nothing");
  return job;
}

export async function seedTask(
  ref: { orgId: string | null; jobId: string | null },
  values: { kind: TaskKind; status?: TaskStatus; startedAt: Date; label?: string; attempt?: number },
) {
  const [task] = await testDb
    .insert(tasks)
    .values({
      orgId: ref.orgId,
      jobId: ref.jobId,
      runId: randomUUID(),
      stepId: `${values.kind}:step`,
      attempt: values.attempt ?? 0,
      kind: values.kind,
      label: values.label ?? `${values.kind} task`,
      status: values.status ?? "succeeded",
      startedAt: values.startedAt,
      finishedAt: new Date(values.startedAt.getTime() + 1000),
    })
    .returning();
  if (!task) throw new Error("task insert returned nothing");
  return task;
}

export async function seedError(
  job: { id: string; orgId: string; serviceId: string },
  values: { phase?: JobPhase; indicatorId?: string | null; value?: string; message?: string; at: Date },
) {
  const [error] = await testDb
    .insert(jobErrors)
    .values({
      orgId: job.orgId,
      jobId: job.id,
      serviceId: job.serviceId,
      phase: values.phase ?? "upload",
      source: values.phase === "prepare" ? "mapping" : "sentinel",
      indicatorId: values.indicatorId === undefined ? "1001" : values.indicatorId,
      indicatorType: "Host",
      indicatorValue: values.value ?? "bad.example",
      message: values.message ?? "pattern is invalid",
      fingerprint: randomUUID(),
      firstSeenAt: values.at,
      lastSeenAt: values.at,
    })
    .returning();
  if (!error) throw new Error("error insert returned nothing");
  return error;
}

export async function seedSentState(
  ref: { orgId: string; serviceId: string },
  values: { type: string; sentAt: Date; revoked?: boolean; validUntil?: Date | null },
) {
  const key = randomUUID();
  await testDb.insert(sentState).values({
    orgId: ref.orgId,
    serviceId: ref.serviceId,
    workspaceId: "ws",
    indicatorKey: key,
    stixId: `indicator--${key}`,
    contentHash: "hash",
    validUntil: values.validUntil ?? null,
    revoked: values.revoked ?? false,
    lastModifiedSent: values.sentAt,
    lastSentAt: values.sentAt,
    queryPosition: 1,
    indicatorType: values.type,
    indicatorValue: key,
    ownerName: "Org",
    object: {},
  });
}
