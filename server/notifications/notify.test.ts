import { eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { jobs, notifications, services, serviceSyncState } from "@/db/schema";
import { orgWithService, seedJob } from "@/server/reports/seed.test-support";
import { addMember, callerFor, errorOf, makeOrg, testDb, testDeps, testScope } from "@/test/db";
import type { MailMessage } from "./mailer";
import { createAppDependencies } from "@/server/deps";
import { failedForGoodReason, jobLink, noticeDue, notifyJobOutcome, notifyServiceHealth } from "./notify";
import { servicesDueNotice } from "./sweep";

describe("noticeDue", () => {
  test("one failure notice per bad spell, a recovery only after a failure notice", () => {
    expect(noticeDue({ consecutiveFailures: 1, failingSince: null }, undefined, 3)).toBeNull();
    expect(noticeDue({ consecutiveFailures: 3, failingSince: null }, undefined, 3)).toBe("failure");
    expect(noticeDue({ consecutiveFailures: 1, failingSince: new Date() }, "recovery", 3)).toBe("failure");
    expect(noticeDue({ consecutiveFailures: 5, failingSince: new Date() }, "failure", 3)).toBeNull();
    expect(noticeDue({ consecutiveFailures: 0, failingSince: null }, "failure", 3)).toBe("recovery");
    expect(noticeDue(undefined, "failure", 3)).toBe("recovery");
    expect(noticeDue({ consecutiveFailures: 0, failingSince: null }, undefined, 3)).toBeNull();
  });

  test("the service's threshold decides how many failures in a row call for a notice", () => {
    expect(noticeDue({ consecutiveFailures: 1, failingSince: null }, undefined, 1)).toBe("failure");
    expect(noticeDue({ consecutiveFailures: 9, failingSince: null }, undefined, 10)).toBeNull();
    expect(noticeDue({ consecutiveFailures: 10, failingSince: null }, "recovery", 10)).toBe("failure");
    // Restarts exhausted is reported whatever the threshold.
    expect(noticeDue({ consecutiveFailures: 1, failingSince: new Date() }, undefined, 100)).toBe("failure");
  });
});

describe("failure notice wording and link", () => {
  test("says how many restarts were really tried", () => {
    expect(failedForGoodReason(0, 0)).toBe("failed and is not set to restart (maximum restart attempts: 0)");
    expect(failedForGoodReason(1, 1)).toBe("failed for good after 1 restart, the most it is set to try");
    expect(failedForGoodReason(3, 3)).toBe("failed for good after 3 restarts, the most it is set to try");
    expect(failedForGoodReason(0, 5)).toBe("failed with an error that restarting cannot fix, so it was not restarted");
    expect(failedForGoodReason(2, 5)).toBe(
      "failed for good after 2 restarts: the last error is one that restarting cannot fix",
    );
    for (const [attempt, max] of [
      [0, 0],
      [0, 5],
      [2, 5],
      [3, 3],
    ] as const) {
      expect(failedForGoodReason(attempt, max)).not.toContain("exhausted");
    }
  });

  test("links absolutely from the portal URL, and without one says where to look instead of a bare path", () => {
    expect(jobLink("https://bridge.example.test/", "acme", "AB12")).toBe("https://bridge.example.test/acme/jobs/AB12");
    const withoutBase = jobLink(null, "acme", "AB12");
    expect(withoutBase).not.toContain("/acme/jobs/");
    expect(withoutBase).toContain("AB12");
    expect(withoutBase).toContain("PORTAL_URL");
  });

  test("the portal URL comes from PORTAL_URL, else AUTH_URL", () => {
    expect(createAppDependencies({ PORTAL_URL: "http://localhost:3000" }).portalUrl).toBe("http://localhost:3000");
    expect(createAppDependencies({ AUTH_URL: "https://auth.example.test" }).portalUrl).toBe(
      "https://auth.example.test",
    );
    expect(
      createAppDependencies({ PORTAL_URL: "http://localhost:3000", AUTH_URL: "https://auth.example.test" }).portalUrl,
    ).toBe("http://localhost:3000");
    expect(createAppDependencies({}).portalUrl).toBeNull();
  });
});

async function failingService(emails: string[]) {
  const setup = await orgWithService();
  const { org, service } = setup;
  await testDb.update(services).set({ notificationEmails: emails }).where(eq(services.id, service.id));
  const job = await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed" });
  await testDb
    .update(jobs)
    .set({ error: "Sentinel refused the token", finishedAt: new Date() })
    .where(eq(jobs.id, job.id));
  await testDb
    .insert(serviceSyncState)
    .values({ serviceId: service.id, orgId: org.id, consecutiveFailures: 11, failingSince: new Date() });
  return { ...setup, job };
}

async function recover(ref: { orgId: string; serviceId: string }) {
  const job = await seedJob(ref, { status: "succeeded" });
  await testDb.update(jobs).set({ finishedAt: new Date() }).where(eq(jobs.id, job.id));
  await testDb
    .update(serviceSyncState)
    .set({ consecutiveFailures: 0, failingSince: null })
    .where(eq(serviceSyncState.serviceId, ref.serviceId));
  return job;
}

describe("notifyServiceHealth", () => {
  test("without SMTP a failure for good lands in the outbox once, and the next success adds a recovery", async () => {
    const { org, service, job } = await failingService(["soc@example.test"]);
    const scope = testScope({ orgId: org.id, deps: testDeps({ portalUrl: "https://bridge.example.test" }) });
    expect(await servicesDueNotice(scope)).toContainEqual({ orgId: org.id, serviceId: service.id });
    const failure = await notifyServiceHealth(scope, { serviceId: service.id });
    expect(failure).toMatchObject({
      kind: "failure",
      delivery: "outbox",
      requestId: job.requestId,
      recipients: ["soc@example.test"],
      subject: `[Sentinel Bridge] ${service.name} is failing`,
    });
    // The seeded job is the first attempt of a service allowed 10 restarts: its error was one restarts cannot fix.
    expect(failure?.body).toContain("failed with an error that restarting cannot fix, so it was not restarted");
    expect(failure?.body).toContain("Reason: Sentinel refused the token");
    expect(failure?.body).toContain(`https://bridge.example.test/${org.slug}/jobs/${job.requestId}`);
    expect(await notifyServiceHealth(scope, { serviceId: service.id })).toBeNull();
    expect(await servicesDueNotice(scope)).not.toContainEqual({ orgId: org.id, serviceId: service.id });

    const success = await recover({ orgId: org.id, serviceId: service.id });
    const recovery = await notifyJobOutcome(scope, { jobId: success.id });
    expect(recovery).toMatchObject({ kind: "recovery", requestId: success.requestId, delivery: "outbox" });
    expect(await notifyServiceHealth(scope, { serviceId: service.id })).toBeNull();
  });

  test("a service set to 0 restarts is 'not set to restart', and without a portal URL the notice names the job", async () => {
    const { org, service, job } = await failingService(["soc@example.test"]);
    await testDb.update(services).set({ maxRestartAttempts: 0 }).where(eq(services.id, service.id));
    const scope = testScope({ orgId: org.id, deps: testDeps({ portalUrl: null }) });
    const failure = await notifyServiceHealth(scope, { serviceId: service.id });
    expect(failure?.body).toContain(`${service.name} failed and is not set to restart`);
    expect(failure?.body).not.toContain("exhausted");
    expect(failure?.body).toContain(`Find job ${job.requestId} in the portal's JOBS page`);
    expect(failure?.body).not.toContain(`/${org.slug}/jobs/`);
  });

  test("with SMTP the notice is mailed to the service's addresses; a refused message is recorded as failed", async () => {
    const { org, service } = await failingService(["a@example.test", "b@example.test"]);
    const sent: MailMessage[] = [];
    const mailing = testScope({
      orgId: org.id,
      deps: testDeps({ mailer: { send: (message) => Promise.resolve(void sent.push(message)) } }),
    });
    const mailed = await notifyServiceHealth(mailing, { serviceId: service.id });
    expect(mailed).toMatchObject({ delivery: "sent", error: null });
    expect(mailed?.sentAt).toBeInstanceOf(Date);
    expect(sent).toEqual([
      {
        to: ["a@example.test", "b@example.test"],
        subject: `[Sentinel Bridge] ${service.name} is failing`,
        text: mailed?.body,
      },
    ]);

    await recover({ orgId: org.id, serviceId: service.id });
    const refusing = testScope({
      orgId: org.id,
      deps: testDeps({ mailer: { send: () => Promise.reject(new Error("550 mailbox unavailable")) } }),
    });
    expect(await notifyServiceHealth(refusing, { serviceId: service.id })).toMatchObject({
      kind: "recovery",
      delivery: "failed",
      error: "550 mailbox unavailable",
      sentAt: null,
    });
  });

  test("three failures in a row are reported while restarts continue; another org's service is not found", async () => {
    const { org, service } = await orgWithService();
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed" });
    await testDb.insert(serviceSyncState).values({ serviceId: service.id, orgId: org.id, consecutiveFailures: 3 });
    const notice = await notifyServiceHealth(testScope({ orgId: org.id }), { serviceId: service.id });
    expect(notice?.body).toContain("failed 3 times in a row");
    const other = await makeOrg();
    const denied = await errorOf(notifyServiceHealth(testScope({ orgId: other.org.id }), { serviceId: service.id }));
    expect(denied.code).toBe("NOT_FOUND");
  });
});

describe("the failure notification threshold", () => {
  test("a service set to 5 is reported at its fifth failure in a row, by the job event and the sweep alike", async () => {
    const { org, service, api } = await orgWithService();
    await api.service.update({ orgSlug: org.slug, serviceId: service.id, failureNotificationThreshold: 5 });
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed" });
    await testDb.insert(serviceSyncState).values({ serviceId: service.id, orgId: org.id, consecutiveFailures: 4 });
    const scope = testScope({ orgId: org.id });
    expect(await servicesDueNotice(scope)).not.toContainEqual({ orgId: org.id, serviceId: service.id });
    expect(await notifyServiceHealth(scope, { serviceId: service.id })).toBeNull();

    await testDb
      .update(serviceSyncState)
      .set({ consecutiveFailures: 5 })
      .where(eq(serviceSyncState.serviceId, service.id));
    expect(await servicesDueNotice(scope)).toContainEqual({ orgId: org.id, serviceId: service.id });
    const notice = await notifyServiceHealth(scope, { serviceId: service.id });
    expect(notice).toMatchObject({ kind: "failure" });
    expect(notice?.body).toContain("failed 5 times in a row");
  });

  test("a service set to 1 is reported at its first failure", async () => {
    const { org, service, api } = await orgWithService();
    await api.service.update({ orgSlug: org.slug, serviceId: service.id, failureNotificationThreshold: 1 });
    await seedJob({ orgId: org.id, serviceId: service.id }, { status: "failed" });
    await testDb.insert(serviceSyncState).values({ serviceId: service.id, orgId: org.id, consecutiveFailures: 1 });
    const scope = testScope({ orgId: org.id });
    expect(await servicesDueNotice(scope)).toContainEqual({ orgId: org.id, serviceId: service.id });
    expect(await notifyServiceHealth(scope, { serviceId: service.id })).toMatchObject({ kind: "failure" });
  });
});

describe("notification.list", () => {
  test("admins page through the outbox newest first; members are refused; other orgs get NOT_FOUND", async () => {
    const { org, owner, service } = await failingService(["soc@example.test"]);
    const scope = testScope({ orgId: org.id });
    await notifyServiceHealth(scope, { serviceId: service.id });
    await recover({ orgId: org.id, serviceId: service.id });
    await notifyServiceHealth(scope, { serviceId: service.id });
    const api = callerFor(owner);
    const first = await api.notification.list({ orgSlug: org.slug, limit: 1 });
    expect(first.items.map((item) => item.kind)).toEqual(["recovery"]);
    const second = await api.notification.list({ orgSlug: org.slug, limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((item) => item.kind)).toEqual(["failure"]);
    expect(second.items[0]).toMatchObject({ serviceName: service.name, delivery: "outbox" });
    expect(second.nextCursor).toBeNull();
    const { user: member } = await addMember(org.id, "member");
    expect((await errorOf(callerFor(member).notification.list({ orgSlug: org.slug }))).code).toBe("FORBIDDEN");
    const other = await makeOrg();
    expect((await errorOf(callerFor(other.owner).notification.list({ orgSlug: org.slug }))).code).toBe("NOT_FOUND");
    const theirs = await callerFor(other.owner).notification.list({ orgSlug: other.org.slug });
    expect(theirs.items).toEqual([]);
    const rows = await testDb.select().from(notifications).where(eq(notifications.orgId, org.id));
    expect(rows).toHaveLength(2);
  });
});
