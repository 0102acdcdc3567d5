import { describe, expect, test } from "vitest";
import { orgWithService, seedJob, seedTask } from "@/server/reports/seed.test-support";
import { addMember, callerFor, errorOf, makeOrg } from "@/test/db";

describe("task.list", () => {
  test("members page through the org's tasks and the system cleaner, newest first, filtered by kind, status and job", async () => {
    const { org, service } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    const base = Date.parse("2032-05-01T00:00:00.000Z");
    const download = await seedTask({ orgId: org.id, jobId: job.id }, { kind: "download", startedAt: new Date(base) });
    const upload = await seedTask(
      { orgId: org.id, jobId: job.id },
      { kind: "upload", status: "failed", attempt: 1, startedAt: new Date(base + 1000) },
    );
    const sameTime = await seedTask(
      { orgId: org.id, jobId: job.id },
      { kind: "upload", startedAt: new Date(base + 1000) },
    );
    const cleaner = await seedTask({ orgId: null, jobId: null }, { kind: "cleaner", startedAt: new Date(base + 2000) });
    const { user: member } = await addMember(org.id, "member");
    const reader = callerFor(member);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.task.list({ orgSlug: org.slug, limit: 1, requestId: undefined, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && seen.length < 50);
    const mine = seen.filter((id) => [download.id, upload.id, sameTime.id, cleaner.id].includes(id));
    expect(mine).toEqual([cleaner.id, ...[upload.id, sameTime.id].sort().reverse(), download.id]);

    const uploads = await reader.task.list({ orgSlug: org.slug, kind: ["upload"], requestId: job.requestId });
    expect(uploads.items.map((item) => item.id).sort()).toEqual([upload.id, sameTime.id].sort());
    expect(uploads.items.find((item) => item.id === upload.id)).toMatchObject({
      requestId: job.requestId,
      attempt: 1,
      status: "failed",
    });
    const failed = await reader.task.list({ orgSlug: org.slug, status: ["failed"], requestId: job.requestId });
    expect(failed.items.map((item) => item.id)).toEqual([upload.id]);
    const cleaners = await reader.task.list({ orgSlug: org.slug, kind: ["cleaner"] });
    expect(cleaners.items.map((item) => item.id)).toContain(cleaner.id);
    expect(cleaners.items.find((item) => item.id === cleaner.id)?.requestId).toBeNull();
  });

  test("another org's tasks and jobs are never shown; outsiders get NOT_FOUND; bad input names its field", async () => {
    const { org, service } = await orgWithService();
    const job = await seedJob({ orgId: org.id, serviceId: service.id });
    const task = await seedTask({ orgId: org.id, jobId: job.id }, { kind: "prepare", startedAt: new Date() });
    const other = await makeOrg();
    const theirs = await callerFor(other.owner).task.list({ orgSlug: other.org.slug });
    expect(theirs.items.map((item) => item.id)).not.toContain(task.id);
    const byRequestId = await errorOf(
      callerFor(other.owner).task.list({ orgSlug: other.org.slug, requestId: job.requestId }),
    );
    expect(byRequestId.code).toBe("NOT_FOUND");
    expect((await errorOf(callerFor(other.owner).task.list({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    const forged = await errorOf(
      callerFor(other.owner).task.list({ orgSlug: other.org.slug, cursor: "bm90LWEtY3Vyc29y" }),
    );
    expect(forged.fieldErrors.cursor).toEqual(["Cursor is not one this list returned"]);
    const badKind = await errorOf(
      callerFor(other.owner).task.list({ orgSlug: other.org.slug, kind: ["sleep" as never] }),
    );
    expect(Object.keys(badKind.fieldErrors)).toEqual(["kind"]);
  });
});
