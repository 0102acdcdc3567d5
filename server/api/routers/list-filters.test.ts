import { describe, expect, test } from "vitest";
import { JOB_PHASES, JOB_STATUSES, TASK_KINDS, TASK_STATUSES } from "@/lib/vocabulary";
import { orgWithService, seedError, seedJob, seedTask } from "@/server/reports/seed.test-support";
import { serviceInput } from "@/test/services";

/**
 * The filtered JOBS, TASKS and ERRORS pages read one index range per (service or kind, status or phase) pair and
 * merge them; these walk every page of each filter and compare it with the same filter applied to all seeded rows,
 * so a pair left out, a wrong merge order or a cursor that skips or repeats a row fails here.
 */
const newestFirst = <T extends { at: Date; id: string }>(rows: T[]) =>
  [...rows].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

async function allPages<T>(read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const seen: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    seen.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && seen.length < 1000);
  return seen;
}

async function twoServiceOrg() {
  const setup = await orgWithService();
  const second = await setup.api.service.create({ orgSlug: setup.org.slug, ...serviceInput() });
  const other = await orgWithService();
  return { ...setup, services: [setup.service, second] as const, other };
}

const FINISHED_OR_QUEUED = JOB_STATUSES.filter((status) => status !== "running");

// Several rows share a time, so the id must break ties the same way in every pair's range and in the merge.
const at = (index: number) => new Date(Date.parse("2033-03-01T00:00:00.000Z") + Math.floor(index / 3) * 1000);

describe("filtered list pages", () => {
  test("JOBS by service and status pages through exactly the matching jobs, newest first", async () => {
    const { org, api, services, other } = await twoServiceOrg();
    const seeded = [];
    for (let index = 0; index < 36; index += 1) {
      const service = services[index % 2 === 0 || index % 5 === 0 ? 0 : 1];
      // One running job per service is all the schema allows, so the cycle skips "running".
      const status = FINISHED_OR_QUEUED[index % FINISHED_OR_QUEUED.length] ?? "succeeded";
      seeded.push(await seedJob({ orgId: org.id, serviceId: service.id }, { status, createdAt: at(index) }));
    }
    const theirs = await seedJob({ orgId: other.org.id, serviceId: other.service.id }, { status: "failed" });
    const filters = [
      { status: ["failed" as const] },
      { serviceId: services[1].id },
      { serviceId: services[0].id, status: ["failed" as const, "cancelled" as const, "queued" as const] },
      { status: ["running" as const, "succeeded" as const], createdFrom: at(6), createdTo: at(27) },
      { serviceId: other.service.id },
    ];
    for (const filter of filters) {
      const expected = newestFirst(
        seeded
          .filter((job) => !filter.serviceId || job.serviceId === filter.serviceId)
          .filter((job) => !filter.status || (filter.status as string[]).includes(job.status))
          .filter((job) => !filter.createdFrom || job.createdAt >= filter.createdFrom)
          .filter((job) => !filter.createdTo || job.createdAt < filter.createdTo)
          .map((job) => ({ ...job, at: job.createdAt })),
      ).map((job) => job.requestId);
      const seen = await allPages((cursor) => api.job.list({ orgSlug: org.slug, ...filter, limit: 4, cursor }));
      expect(seen.map((job) => job.requestId)).toEqual(expected);
      expect(seen.map((job) => job.requestId)).not.toContain(theirs.requestId);
    }
  });

  test("TASKS by kind and status pages through exactly the matching tasks, the system's included", async () => {
    const { org, api, services, other } = await twoServiceOrg();
    const job = await seedJob({ orgId: org.id, serviceId: services[0].id });
    const seeded = [];
    for (let index = 0; index < 45; index += 1) {
      const kind = TASK_KINDS[index % 4] ?? "upload";
      const status = TASK_STATUSES[(index * 3) % TASK_STATUSES.length] ?? "succeeded";
      seeded.push(await seedTask({ orgId: org.id, jobId: job.id }, { kind, status, startedAt: at(index) }));
    }
    seeded.push(await seedTask({ orgId: null, jobId: null }, { kind: "cleaner", startedAt: at(20) }));
    const otherJob = await seedJob({ orgId: other.org.id, serviceId: other.service.id });
    const theirs = await seedTask({ orgId: other.org.id, jobId: otherJob.id }, { kind: "upload", startedAt: at(3) });
    const filters = [
      { kind: ["upload" as const] },
      { status: ["failed" as const] },
      {
        kind: ["upload" as const, "finalize" as const, "cleaner" as const],
        status: ["failed" as const, "succeeded" as const],
      },
      { kind: ["cleaner" as const] },
    ];
    const ids = new Set(seeded.map((task) => task.id));
    for (const filter of filters) {
      const expected = newestFirst(
        seeded
          .filter((task) => !filter.kind || (filter.kind as string[]).includes(task.kind))
          .filter((task) => !filter.status || (filter.status as string[]).includes(task.status))
          .map((task) => ({ ...task, at: task.startedAt })),
      );
      const seen = await allPages((cursor) => api.task.list({ orgSlug: org.slug, ...filter, limit: 4, cursor }));
      // Other tests' system tasks may show up too; only this test's rows are compared.
      expect(seen.filter((task) => ids.has(task.id)).map((task) => task.id)).toEqual(expected.map((task) => task.id));
      expect(seen.map((task) => task.id)).not.toContain(theirs.id);
      for (const task of seen.filter((item) => ids.has(item.id))) {
        expect(task.requestId).toBe(expected.find((row) => row.id === task.id)?.jobId ? job.requestId : null);
      }
    }
  });

  test("ERRORS by service and phase pages through exactly the matching errors, with their job and service", async () => {
    const { org, api, services, other } = await twoServiceOrg();
    const jobs = [
      await seedJob({ orgId: org.id, serviceId: services[0].id }),
      await seedJob({ orgId: org.id, serviceId: services[1].id }),
    ];
    const seeded = [];
    for (let index = 0; index < 42; index += 1) {
      const job = jobs[index % 3 === 0 ? 1 : 0] ?? jobs[0];
      const phase = JOB_PHASES[(index * 5) % JOB_PHASES.length] ?? "upload";
      if (job) seeded.push({ error: await seedError(job, { phase, at: at(index) }), job });
    }
    const otherJob = await seedJob({ orgId: other.org.id, serviceId: other.service.id });
    const theirs = await seedError(otherJob, { phase: "upload", at: at(4) });
    const names = new Map(services.map((service) => [service.id, service.name]));
    const filters = [
      { phase: ["upload" as const] },
      { serviceId: services[1].id },
      { serviceId: services[0].id, phase: ["prepare" as const, "download" as const, "finalize" as const] },
      { phase: ["upload" as const, "prepare" as const], source: ["mapping" as const] },
    ];
    for (const filter of filters) {
      const expected = newestFirst(
        seeded
          .filter(({ error }) => !filter.serviceId || error.serviceId === filter.serviceId)
          .filter(({ error }) => !filter.phase || (filter.phase as string[]).includes(error.phase))
          .filter(({ error }) => !filter.source || (filter.source as string[]).includes(error.source))
          .map((row) => ({ ...row, at: row.error.firstSeenAt, id: row.error.id })),
      );
      const seen = await allPages((cursor) => api.report.errors({ orgSlug: org.slug, ...filter, limit: 4, cursor }));
      expect(seen.map((error) => error.id)).toEqual(expected.map((row) => row.id));
      expect(seen.map((error) => error.id)).not.toContain(theirs.id);
      expect(seen.map((error) => [error.requestId, error.serviceName])).toEqual(
        expected.map(({ job }) => [job.requestId, names.get(job.serviceId)]),
      );
    }
  });
});
