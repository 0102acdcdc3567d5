import { TRPCError } from "@trpc/server";
import { eq, getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable, type PgColumn } from "drizzle-orm/pg-core";
import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import * as schema from "@/db/schema";
import { jobErrors, organizations, tasks } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { addMember, callerFor, makeOrg, testDb, recordingEventSender, testDeps } from "@/test/db";
import { serviceInput } from "@/test/services";

/**
 * The sweep walks every procedure the router exposes. Each needs a case below: an org-scoped one says how to build
 * its input out of org A's ids; the few that take no org say what isolation means for them. A procedure added
 * without a case fails "every procedure has a case", so nobody can add an endpoint that skips this sweep.
 */

type Tenant = Awaited<ReturnType<typeof seedTenant>>;
type Fixture = { a: Tenant; b: Tenant };

type OrgCase = {
  kind: "org";
  /** Input naming org A's things; the sweep adds the orgSlug. */
  input: (fx: Fixture) => Record<string, unknown>;
  /**
   * What B's member gets when asking about A's things inside B's own org: "not-found" for an id lookup, "no-leak"
   * for a list (it answers B's data, which must hold nothing of A's), or a reason why no such call exists.
   */
  inOwnOrg: "not-found" | "no-leak" | { skip: string };
};
type PersonCase = {
  kind: "person";
  /** Runs as B's owner; throws (through expect) when A's data leaks or changes are possible. */
  check: (fx: Fixture) => Promise<void>;
};
type SweepCase = OrgCase | PersonCase;

const sameOrgInput = { skip: "takes no id of another org: it acts on the caller's own org only" } as const;

const cases: Record<string, SweepCase> = {
  "account.signUp": {
    kind: "person",
    check: async (fx) => {
      const email = `fresh-${randomUUID()}@example.test`;
      const created = await callerFor(null).account.signUp({ name: "Fresh", email, password: "long-enough-pass" });
      expect(JSON.stringify(created)).not.toContain(fx.a.org.id);
    },
  },
  "organization.create": {
    kind: "person",
    check: async (fx) => {
      const made = await callerFor(fx.b.owner).organization.create({ name: `B side ${randomUUID().slice(0, 6)}` });
      expect(made.slug).not.toBe(fx.a.org.slug);
      const taken = await failure(callerFor(fx.b.owner).organization.create({ name: "Copy", slug: fx.a.org.slug }));
      expect(taken.code).not.toBe("INTERNAL_SERVER_ERROR");
    },
  },
  "organization.listMine": {
    kind: "person",
    check: async (fx) => {
      const mine = await callerFor(fx.b.owner).organization.listMine();
      expect(JSON.stringify(mine)).not.toContain(fx.a.org.id);
    },
  },
  "organization.bySlug": { kind: "org", input: () => ({}), inOwnOrg: sameOrgInput },
  "organization.rename": { kind: "org", input: () => ({ name: "Taken over" }), inOwnOrg: sameOrgInput },
  "organization.delete": {
    kind: "org",
    input: (fx) => ({ confirmSlug: fx.a.org.slug }),
    inOwnOrg: { skip: "confirmSlug must equal the caller's own org slug; A's slug is refused as a mismatch" },
  },
  "member.list": { kind: "org", input: () => ({}), inOwnOrg: "no-leak" },
  "member.changeRole": {
    kind: "org",
    input: (fx) => ({ membershipId: fx.a.adminMembershipId, role: "member" }),
    inOwnOrg: "not-found",
  },
  "member.remove": { kind: "org", input: (fx) => ({ membershipId: fx.a.adminMembershipId }), inOwnOrg: "not-found" },
  "invitation.create": {
    kind: "org",
    input: () => ({ email: `outsider-${randomUUID()}@example.test`, role: "admin" }),
    inOwnOrg: sameOrgInput,
  },
  "invitation.list": { kind: "org", input: () => ({}), inOwnOrg: "no-leak" },
  "invitation.revoke": { kind: "org", input: (fx) => ({ invitationId: fx.a.invitationId }), inOwnOrg: "not-found" },
  "invitation.describe": {
    kind: "person",
    check: async () => {
      const guessed = await failure(
        callerFor(null).invitation.describe({ token: randomBytes(32).toString("base64url") }),
      );
      expect(guessed.code).toBe("NOT_FOUND");
    },
  },
  "invitation.accept": {
    kind: "person",
    check: async (fx) => {
      const stolen = await failure(callerFor(fx.b.owner).invitation.accept({ token: fx.a.invitationToken }));
      expect(["NOT_FOUND", "FORBIDDEN"]).toContain(stolen.code);
    },
  },
  "service.list": { kind: "org", input: () => ({}), inOwnOrg: "no-leak" },
  "service.bySlug": { kind: "org", input: (fx) => ({ serviceSlug: fx.a.service.slug }), inOwnOrg: "not-found" },
  "service.create": { kind: "org", input: () => serviceInput(), inOwnOrg: sameOrgInput },
  "service.update": {
    kind: "org",
    input: (fx) => ({ serviceId: fx.a.service.id, name: "Hijacked" }),
    inOwnOrg: "not-found",
  },
  "service.delete": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "service.testThreatConnect": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "service.testAzure": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "service.owners": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "query.list": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "query.save": {
    kind: "org",
    input: (fx) => ({ serviceId: fx.a.service.id, queriesVersion: 1, runMode: "delta", queries: [] }),
    inOwnOrg: "not-found",
  },
  "query.validate": {
    kind: "org",
    input: (fx) => ({ serviceId: fx.a.service.id, tql: "rating > 1" }),
    inOwnOrg: "not-found",
  },
  "query.preview": {
    kind: "org",
    input: (fx) => ({ serviceId: fx.a.service.id, query: { owners: ["Org"], types: ["Address"], tql: "rating > 1" } }),
    inOwnOrg: "not-found",
  },
  "audit.list": { kind: "org", input: (fx) => ({ targetId: fx.a.service.id }), inOwnOrg: "no-leak" },
  "job.run": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id, mode: "full" }), inOwnOrg: "not-found" },
  "job.cancel": { kind: "org", input: (fx) => ({ requestId: fx.a.requestId }), inOwnOrg: "not-found" },
  "job.list": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "no-leak" },
  "job.get": { kind: "org", input: (fx) => ({ requestId: fx.a.requestId }), inOwnOrg: "not-found" },
  "task.list": { kind: "org", input: (fx) => ({ requestId: fx.a.requestId }), inOwnOrg: "not-found" },
  "report.errors": { kind: "org", input: (fx) => ({ serviceId: fx.a.service.id }), inOwnOrg: "not-found" },
  "report.exportErrors": { kind: "org", input: (fx) => ({ requestId: fx.a.requestId }), inOwnOrg: "not-found" },
  "report.retryFailedRecords": {
    kind: "org",
    input: (fx) => ({ serviceId: fx.a.service.id }),
    inOwnOrg: "not-found",
  },
  "report.overview": { kind: "org", input: () => ({}), inOwnOrg: "no-leak" },
  "notification.list": { kind: "org", input: () => ({ limit: 100 }), inOwnOrg: "no-leak" },
  "report.jobBreakdown": { kind: "org", input: (fx) => ({ requestId: fx.a.requestId }), inOwnOrg: "not-found" },
};

function recordingDeps() {
  const { events, sender } = recordingEventSender();
  const deps = testDeps({ events: sender });
  return { deps, events };
}

/** An org with something behind every id a procedure takes: an admin, a pending invitation, a service with a
 * query, a job with an error naming a ThreatConnect indicator, and a task. */
async function seedTenant() {
  const { org, owner } = await makeOrg();
  const { deps, events } = recordingDeps();
  const api = callerFor(owner, deps);
  const { membership } = await addMember(org.id, "admin");
  const { invitation, token } = await api.invitation.create({
    orgSlug: org.slug,
    email: `invitee-${randomUUID()}@example.test`,
    role: "member",
  });
  const service = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
  await api.query.save({
    orgSlug: org.slug,
    serviceId: service.id,
    queriesVersion: 0,
    runMode: "delta",
    queries: [{ owners: ["Org"], types: ["Address"], tql: "rating > 1" }],
  });
  const { requestId } = await api.job.run({ orgSlug: org.slug, serviceId: service.id, mode: "full" });
  const jobId = events.find((event) => event.name === "sync/job.requested")?.data.jobId;
  if (typeof jobId !== "string") throw new Error("job.run sent no sync/job.requested event");
  const now = new Date();
  await testDb.insert(jobErrors).values({
    orgId: org.id,
    jobId,
    serviceId: service.id,
    phase: "upload",
    source: "sentinel",
    indicatorId: "4242",
    indicatorType: "Address",
    indicatorValue: "192.0.2.7",
    message: "rejected for the sweep",
    fingerprint: `sweep-${randomUUID()}`,
    firstSeenAt: now,
    lastSeenAt: now,
  });
  await testDb.insert(tasks).values({
    orgId: org.id,
    jobId,
    runId: randomUUID(),
    stepId: "download-q1-p1",
    kind: "download",
    label: "Download query 1 page 1",
    status: "succeeded",
    startedAt: now,
  });
  return {
    org,
    owner,
    service,
    requestId,
    jobId,
    invitationId: invitation.id,
    invitationToken: token,
    adminMembershipId: membership.id,
  };
}

/** Every org-owned row of the org, table by table, so any change by another tenant's calls shows as a diff. */
async function snapshotOf(orgId: string) {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const columns: Record<string, PgColumn> = getTableColumns(table);
    const orgColumn = getTableName(table) === "organizations" ? columns.id : columns.orgId;
    if (!orgColumn) continue;
    const rows = await testDb.select().from(table).where(eq(orgColumn, orgId));
    snapshot[getTableName(table)] = rows.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }
  return snapshot;
}

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to be refused");
}

type Callable = (input?: unknown) => Promise<unknown>;

function procedureOf(caller: unknown, path: string): Callable {
  const found = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return found as Callable;
}

/** A's ids and names that must never appear in anything B is answered. */
function secretsOf(a: Tenant) {
  return [
    a.org.id,
    a.org.slug,
    a.service.id,
    a.service.name,
    a.requestId,
    a.jobId,
    a.invitationId,
    a.adminMembershipId,
  ];
}

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

describe("tenant isolation sweep", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = { a: await seedTenant(), b: await seedTenant() };
  });

  test("every procedure has a case", () => {
    const missing = procedurePaths.filter((path) => !(path in cases));
    expect(missing, "add a case to test/tenant-isolation.test.ts for each new procedure").toEqual([]);
  });

  test.each(procedurePaths.filter((path) => cases[path]?.kind === "org"))(
    "%s: B's member naming A's org or A's ids is refused and A is unchanged",
    async (path) => {
      const sweepCase = cases[path] as OrgCase;
      const before = await snapshotOf(fx.a.org.id);
      const b = callerFor(fx.b.owner, recordingDeps().deps);
      const call = procedureOf(b, path);

      const inA = await failure(call({ ...sweepCase.input(fx), orgSlug: fx.a.org.slug }));
      expect(inA.code).toBe("NOT_FOUND");

      if (sweepCase.inOwnOrg === "not-found") {
        const inB = await failure(call({ ...sweepCase.input(fx), orgSlug: fx.b.org.slug }));
        expect(inB.code, inB.message).toBe("NOT_FOUND");
      } else if (sweepCase.inOwnOrg === "no-leak") {
        const answer = JSON.stringify(await call({ ...sweepCase.input(fx), orgSlug: fx.b.org.slug }));
        for (const secret of secretsOf(fx.a)) expect(answer).not.toContain(secret);
      }
      expect(await snapshotOf(fx.a.org.id)).toEqual(before);
    },
  );

  test.each(procedurePaths.filter((path) => cases[path]?.kind === "person"))(
    "%s: takes no org, and B using it reaches nothing of A's",
    async (path) => {
      const before = await snapshotOf(fx.a.org.id);
      await (cases[path] as PersonCase).check(fx);
      expect(await snapshotOf(fx.a.org.id)).toEqual(before);
    },
  );

  test("the seeded org really holds rows the sweep could have changed", async () => {
    const snapshot = await snapshotOf(fx.a.org.id);
    const [org] = await testDb.select().from(organizations).where(eq(organizations.id, fx.a.org.id));
    expect(org?.slug).toBe(fx.a.org.slug);
    for (const table of ["services", "service_queries", "memberships", "invitations", "jobs", "job_errors", "tasks"]) {
      expect(snapshot[table]?.length, table).toBeGreaterThan(0);
    }
  });
});
