import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tasks } from "@/db/schema";
import { makeOrg, testDb, testDeps } from "@/test/db";
import { recordTaskEnd, recordTaskStart, type TaskAttempt } from "./record-task";

const startedAt = new Date("2026-01-01T10:00:00.000Z");
const finishedAt = new Date("2026-01-01T10:00:02.500Z");

async function scopeAt(now: Date, orgId?: string | null) {
  return {
    db: testDb,
    deps: testDeps({ now: () => now }),
    orgId: orgId === undefined ? (await makeOrg()).org.id : orgId,
  };
}

function attempt(overrides: Partial<TaskAttempt> = {}): TaskAttempt {
  return {
    jobId: null,
    runId: `run-${randomUUID()}`,
    stepId: "upload:upload",
    attempt: 0,
    kind: "upload",
    label: "Upload batch 1 of 3",
    ...overrides,
  };
}

const rowsOf = (runId: string) => testDb.select().from(tasks).where(eq(tasks.runId, runId)).orderBy(asc(tasks.attempt));

describe("task rows", () => {
  it("records one row per attempt however often a hook fires", async () => {
    const scope = await scopeAt(startedAt);
    const task = attempt();
    await recordTaskStart(scope, task);
    await recordTaskStart(scope, task);
    await recordTaskEnd(
      { ...scope, deps: testDeps({ now: () => finishedAt }) },
      {
        ...task,
        status: "succeeded",
        counts: { sent: 100, rejected: 0 },
      },
    );
    await recordTaskEnd(
      { ...scope, deps: testDeps({ now: () => finishedAt }) },
      {
        ...task,
        status: "succeeded",
        counts: { sent: 100, rejected: 0 },
      },
    );

    const [row, ...others] = await rowsOf(task.runId);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({
      orgId: scope.orgId,
      kind: "upload",
      label: "Upload batch 1 of 3",
      status: "succeeded",
      startedAt,
      finishedAt,
      counts: { sent: 100, rejected: 0 },
      error: null,
    });
  });

  it("never reopens an attempt whose start hook arrives after its end", async () => {
    const scope = await scopeAt(startedAt);
    const task = attempt();
    await recordTaskEnd(scope, { ...task, status: "failed", error: "Sentinel answered 503" });
    await recordTaskStart(scope, task);
    const [row] = await rowsOf(task.runId);
    expect(row).toMatchObject({ status: "failed", error: "Sentinel answered 503" });
  });

  it("keeps a failed attempt and its successful retry as two rows", async () => {
    const scope = await scopeAt(startedAt);
    const first = attempt();
    const retry = { ...first, attempt: 1 };
    await recordTaskStart(scope, first);
    await recordTaskEnd(scope, { ...first, status: "failed", error: "Rate limit is exceeded" });
    await recordTaskStart(scope, retry);
    await recordTaskEnd(scope, { ...retry, status: "succeeded", counts: { sent: 3 } });
    expect((await rowsOf(first.runId)).map((row) => [row.attempt, row.status])).toEqual([
      [0, "failed"],
      [1, "succeeded"],
    ]);
  });

  it("records system tasks such as the cleaner without an organization", async () => {
    const scope = await scopeAt(startedAt, null);
    const task = attempt({ stepId: "cleaner:clean", kind: "cleaner", label: "Remove sync records older than 30 days" });
    await recordTaskStart(scope, task);
    const [row] = await rowsOf(task.runId);
    expect(row).toMatchObject({ orgId: null, kind: "cleaner", status: "running" });
  });
});
