import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { createDatabaseClient } from "@/db/client";
import { memberships, organizations, users, type User } from "@/db/schema";
import type { Role } from "@/lib/vocabulary";
import { appRouter, createCaller } from "@/server/api/root";
import { createAppDependencies, type AppDependencies, type EventSender, type PipelineEvent } from "@/server/deps";
import type { Scope, SystemScope } from "@/server/scope";
import type { Database } from "@/db/client";

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error("TEST_DATABASE_URL is not set; run tests through vitest (test/global-setup.ts)");

const client = createDatabaseClient(url, { max: 4 });
export const testDb = client.db;
afterAll(() => client.close());

export async function makeUser(overrides: { email?: string; name?: string } = {}) {
  const id = randomUUID();
  const [user] = await testDb
    .insert(users)
    .values({ email: overrides.email ?? `user-${id}@example.test`, name: overrides.name ?? "Test User" })
    .returning();
  if (!user) throw new Error("user insert returned nothing");
  return user;
}

/** A fresh org owned by a fresh user; every test makes its own so tests never share tenants. */
export async function makeOrg(owner?: User) {
  const user = owner ?? (await makeUser());
  const suffix = randomUUID().slice(0, 8);
  const [org] = await testDb
    .insert(organizations)
    .values({ slug: `org-${suffix}`, name: `Org ${suffix}` })
    .returning();
  if (!org) throw new Error("org insert returned nothing");
  await testDb.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner" });
  return { org, owner: user };
}

export async function addMember(orgId: string, role: Role, user?: { id: string; email: string }) {
  const member = user ?? (await makeUser());
  const [membership] = await testDb.insert(memberships).values({ orgId, userId: member.id, role }).returning();
  if (!membership) throw new Error("membership insert returned nothing");
  return { user: member, membership };
}

/** Two fixed test keys; "test-a" is active. Rotation tests build their own keyring with "test-b" first. */
export const TEST_KEYS = {
  a: `test-a:${Buffer.alloc(32, 0xa1).toString("base64")}`,
  b: `test-b:${Buffer.alloc(32, 0xb2).toString("base64")}`,
} as const;

export function testDeps(overrides: Partial<AppDependencies> = {}): AppDependencies {
  return createAppDependencies({ CREDENTIALS_ENCRYPTION_KEYS: `${TEST_KEYS.a},${TEST_KEYS.b}` }, overrides);
}

/** A domain scope for calling verbs directly, as an Inngest function or a script builds one; the system by default. */
/** An event sender that keeps what the pipeline would have been told, so tests can assert on it. */
export function recordingEventSender(): { events: PipelineEvent[]; sender: EventSender } {
  const events: PipelineEvent[] = [];
  return { events, sender: { send: (sent) => Promise.resolve(void events.push(...sent)) } };
}

/** The system acting on `db` with its clock stopped at `at`, for verbs that act before any organization. */
export function systemScopeAt(db: Database, at: Date): SystemScope {
  return { db, deps: testDeps({ now: () => at }) };
}

export function testScope(scope: { orgId: string } & Partial<Scope>): Scope {
  return { db: testDb, deps: testDeps(), actorUserId: null, ...scope };
}

export function callerFor(
  user: { id: string; email: string; name?: string | null } | null,
  deps: AppDependencies = testDeps(),
) {
  return createCaller({
    db: testDb,
    deps,
    headers: new Headers(),
    session: user
      ? {
          user: { id: user.id, email: user.email, name: user.name ?? null },
          expires: new Date(Date.now() + 3600_000).toISOString(),
        }
      : null,
  });
}

/** The field errors a browser would get for this error, run through the real errorFormatter. */
export function fieldErrorsOf(error: unknown): Record<string, string[] | undefined> {
  if (!(error instanceof TRPCError)) return {};
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return shape.data.fieldErrors ?? {};
}

/** The error a call failed with, its code and the field errors a browser would get; fails the test if it succeeded. */
export async function errorOf(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) =>
      Object.assign(error as { code?: string; message: string }, { fieldErrors: fieldErrorsOf(error) }),
  );
}
