import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { appRouter, createCaller } from "@/server/api/root";
import { addMember, callerFor, errorOf, makeOrg, testDb, recordingEventSender, testDeps } from "@/test/db";
import { emulatedServiceInput, serviceInput, useEmulators } from "@/test/services";

/**
 * Every router gets FUZZ_PER_ROUTER generated inputs that are wrong in one place each (wrong type, huge or odd
 * text, null, malformed cursor, extra nesting) on top of a valid input. Each must come back as a success or a 4xx
 * with a message: a 500 means a path where bad input reaches code that does not expect it. The generator is seeded
 * per procedure, so a failure names the seed and the input that reproduces it.
 */
const FUZZ_PER_ROUTER = 1000;
const SEED = 20261201;

/** mulberry32: small, fast and reproducible from one number. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

const ODD_TEXT = [
  "",
  " ",
  "\u0000",
  "x".repeat(100_000),
  "🛰️".repeat(5000),
  "\u202Eevil\u202C",
  "\uD800",
  "zero\u200Bwidth",
  "Ω≈ç√∫˜µ≤≥÷",
  "'; DROP TABLE services; --",
  "%00%ff%zz",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "NaN",
  "-1",
  "1e309",
] as const;

/** Cursors a list never wrote: wrong encodings, right encoding of wrong content, and sheer size. */
const MALFORMED_CURSORS = [
  "!!!",
  "====",
  Buffer.from("not-a-date|not-a-uuid").toString("base64url"),
  Buffer.from("2030-01-01T00:00:00.000Z|zzzz").toString("base64url"),
  Buffer.from(`2030-01-01T00:00:00Z|${randomUUID()}`).toString("base64url"),
  Buffer.from(`9999-99-99T99:99:99.999Z|${randomUUID()}`).toString("base64url"),
  Buffer.from(`|${randomUUID()}|extra`).toString("base64url"),
  Buffer.from("\u0000\u0001\u0002").toString("base64url"),
  Buffer.from(`2030-01-01T00:00:00.000Z|${"-".repeat(36)}`).toString("base64url"),
  "A".repeat(50_000),
  Buffer.from(JSON.stringify({ createdAt: 1, id: 2 })).toString("base64"),
];

function fuzzValue(random: Random, depth = 0): unknown {
  switch (Math.floor(random() * 12)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return pick(random, [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, -1e308, Number.NaN, Number.POSITIVE_INFINITY]);
    case 3:
      return random() < 0.5;
    case 4:
    case 5:
      return pick(random, ODD_TEXT);
    case 6:
      return pick(random, MALFORMED_CURSORS);
    case 7:
      return depth > 3 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => fuzzValue(random, depth + 1));
    case 8:
      return depth > 3
        ? {}
        : { [pick(random, ["id", "__proto__", "constructor", "data"])]: fuzzValue(random, depth + 1) };
    case 9:
      return new Date(pick(random, [Number.NaN, -8.64e15, 8.64e15, 0]));
    case 10:
      return Array.from({ length: 5000 }, () => "a");
    default:
      return BigInt(2) ** BigInt(70);
  }
}

/** One valid input made wrong in one place: a field replaced, removed, added, or the whole input replaced. */
function mutate(random: Random, base: Record<string, unknown>): unknown {
  // Mostly the input's own fields; now and then one it does not take, which must be ignored or refused.
  const baseKeys = Object.keys(base);
  const keys = baseKeys.length === 0 || random() < 0.1 ? [...baseKeys, "cursor", "limit", "unexpected"] : baseKeys;
  const roll = random();
  if (roll < 0.05) return fuzzValue(random);
  const input: Record<string, unknown> = { ...base };
  const key = pick(random, keys);
  if (roll < 0.15) delete input[key];
  else if (key === "cursor" && random() < 0.7) input[key] = pick(random, MALFORMED_CURSORS);
  else input[key] = fuzzValue(random);
  return input;
}

type Tenant = Awaited<ReturnType<typeof seedTenant>>;
type BaseInput = (tenant: Tenant) => Record<string, unknown>;

const orgInput =
  (rest: (tenant: Tenant) => Record<string, unknown> = () => ({})): BaseInput =>
  (tenant) => ({ orgSlug: tenant.org.slug, ...rest(tenant) });
const query = { owners: ["Example Organization"], types: ["Address"], tql: "rating > 1" };

/** A valid input per procedure; a new procedure without one fails "every procedure has a base input". */
const baseInputs: Record<string, BaseInput> = {
  "account.signUp": () => ({ name: "Fuzz", email: `fuzz-${randomUUID()}@example.test`, password: "long-enough-pass" }),
  "organization.create": () => ({ name: "Fuzzed org" }),
  "organization.listMine": () => ({}),
  "organization.bySlug": orgInput(),
  "organization.rename": orgInput(() => ({ name: "Renamed by fuzz" })),
  "organization.delete": orgInput(() => ({ confirmSlug: "not-this-org" })),
  "member.list": orgInput(),
  "member.changeRole": orgInput((t) => ({ membershipId: t.memberMembershipId, role: "member" })),
  "member.remove": orgInput(() => ({ membershipId: randomUUID() })),
  "invitation.create": orgInput(() => ({ email: `fuzz-${randomUUID()}@example.test`, role: "member" })),
  "invitation.list": orgInput(),
  "invitation.revoke": orgInput(() => ({ invitationId: randomUUID() })),
  "invitation.describe": () => ({ token: "t".repeat(43) }),
  "invitation.accept": () => ({ token: "t".repeat(43) }),
  "service.list": orgInput(),
  "service.bySlug": orgInput((t) => ({ serviceSlug: t.service.slug })),
  "service.create": orgInput((t) => emulatedServiceInput(t.emulators)),
  "service.update": orgInput((t) => ({ serviceId: t.service.id, scheduleIntervalHours: 6 })),
  "service.delete": orgInput(() => ({ serviceId: randomUUID() })),
  "service.testThreatConnect": orgInput((t) => ({ serviceId: t.service.id })),
  "service.testAzure": orgInput((t) => ({ serviceId: t.service.id })),
  "service.owners": orgInput((t) => ({ serviceId: t.service.id })),
  "query.list": orgInput((t) => ({ serviceId: t.service.id })),
  "query.save": orgInput((t) => ({ serviceId: t.service.id, queriesVersion: 0, runMode: "delta", queries: [query] })),
  "query.validate": orgInput((t) => ({ serviceId: t.service.id, tql: query.tql })),
  "query.preview": orgInput((t) => ({ serviceId: t.service.id, query })),
  "audit.list": orgInput(() => ({ limit: 10 })),
  "job.run": orgInput((t) => ({ serviceId: t.service.id, mode: "delta" })),
  "job.cancel": orgInput(() => ({ requestId: "ZZZZZZZZZZ" })),
  "job.list": orgInput((t) => ({ serviceId: t.service.id, limit: 10 })),
  "job.get": orgInput(() => ({ requestId: "ZZZZZZZZZZ" })),
  "task.list": orgInput(() => ({ limit: 10 })),
  "report.errors": orgInput(() => ({ limit: 10 })),
  "report.exportErrors": orgInput(() => ({})),
  "report.retryFailedRecords": orgInput((t) => ({ serviceId: t.service.id })),
  "report.overview": orgInput(),
  "notification.list": orgInput(() => ({ limit: 10 })),
  "report.jobBreakdown": orgInput(() => ({ requestId: "ZZZZZZZZZZ" })),
};

async function seedTenant(emulators: ReturnType<typeof useEmulators>) {
  const { org, owner } = await makeOrg();
  const { sender } = recordingEventSender();
  const deps = testDeps({ ...emulators.deps, events: sender });
  const service = await callerFor(owner, deps).service.create({
    orgSlug: org.slug,
    ...emulatedServiceInput(emulators),
  });
  const { membership } = await addMember(org.id, "member");
  return { org, owner, deps, service, emulators, memberMembershipId: membership.id };
}

/**
 * The owner, calling from one address: sign-ups that pass validation then spend that address's budget and are
 * throttled (a 4xx too) instead of each hashing a password.
 */
function fuzzCaller(tenant: Tenant) {
  const { owner } = tenant;
  return createCaller({
    db: testDb,
    deps: tenant.deps,
    headers: new Headers({ "x-forwarded-for": "198.51.100.77" }),
    session: {
      user: { id: owner.id, email: owner.email, name: owner.name },
      expires: new Date(Date.now() + 3600_000).toISOString(),
    },
  });
}

type Callable = (input?: unknown) => Promise<unknown>;
const procedureOf = (caller: unknown, path: string) =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as Callable;

const describeInput = (input: unknown) =>
  JSON.stringify(input, (_key, value: unknown) =>
    typeof value === "bigint"
      ? `${value}n`
      : typeof value === "string" && value.length > 80
        ? `${value.slice(0, 20)}…(${value.length})`
        : value,
  ) ?? String(input);

const procedurePaths = Object.keys(appRouter._def.procedures).sort();
const routers = [...new Set(procedurePaths.map((path) => path.split(".")[0] ?? ""))];

describe("input fuzzing", () => {
  const emulators = useEmulators();
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await seedTenant(emulators);
  });

  test("every procedure has a base input", () => {
    expect(procedurePaths.filter((path) => !(path in baseInputs))).toEqual([]);
  });

  test.each(routers)(
    `%s: ${FUZZ_PER_ROUTER} invalid inputs answer 4xx with a message, never a 500`,
    async (router) => {
      const paths = procedurePaths.filter((path) => path.startsWith(`${router}.`));
      const caller = fuzzCaller(tenant);
      const failures: string[] = [];
      const perProcedure = Math.ceil(FUZZ_PER_ROUTER / paths.length);
      for (const path of paths) {
        const seed = [...path].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0, SEED);
        const random = seededRandom(seed);
        const baseInput = baseInputs[path];
        if (!baseInput) continue;
        for (let index = 0; index < perProcedure; index += 1) {
          // Built afresh each time, so a fresh email or name keeps valid variants off the "already taken" path.
          const input = mutate(random, baseInput(tenant));
          try {
            await procedureOf(caller, path)(input);
          } catch (error) {
            const where = `${path} seed ${seed} #${index} ${describeInput(input)}`;
            if (!(error instanceof TRPCError)) failures.push(`${where}: threw ${String(error)}`);
            else if (getHTTPStatusCodeFromError(error) >= 500) {
              failures.push(`${where}: ${error.code} (${error.cause?.message ?? error.message})`);
            } else if (!error.message.trim()) failures.push(`${where}: ${error.code} without a message`);
          }
        }
      }
      expect(failures.slice(0, 10)).toEqual([]);
    },
    120_000,
  );
});

describe("what the fuzzer found stays fixed", () => {
  test("a NUL character is refused naming its field, before it reaches Postgres", async () => {
    const { owner } = await makeOrg();
    const refused = await errorOf(callerFor(owner).organization.bySlug({ orgSlug: "org-\u0000" }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.fieldErrors.orgSlug).toEqual(["Text must not contain the NUL character (\\u0000)"]);
  });

  test("an audit cursor shaped like a time but naming none is a 400 on the cursor", async () => {
    const { org, owner } = await makeOrg();
    const cursor = Buffer.from(`9999-99-99T99:99:99.999Z|${randomUUID()}`).toString("base64url");
    const refused = await errorOf(callerFor(owner).audit.list({ orgSlug: org.slug, cursor }));
    expect(refused.fieldErrors.cursor).toEqual(["Cursor is not one this list returned"]);
  });

  test.each(
    ["job.list", "task.list", "report.errors", "audit.list", "notification.list"].filter(
      (path) => path in appRouter._def.procedures,
    ),
  )("%s: a cursor of the right shape whose id is no UUID is a 400 on the cursor", async (path) => {
    const { org, owner } = await makeOrg();
    const cursor = Buffer.from(`2030-01-01T00:00:00.000Z|${"-".repeat(36)}`).toString("base64url");
    const refused = await errorOf(procedureOf(callerFor(owner), path)({ orgSlug: org.slug, cursor }));
    expect(refused.fieldErrors.cursor).toEqual(["Cursor is not one this list returned"]);
  });

  test("a service update whose fields are all undefined changes nothing instead of failing", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const service = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const unchanged = await api.service.update({ orgSlug: org.slug, serviceId: service.id, name: undefined });
    expect(unchanged.name).toBe(service.name);
    const audit = await api.audit.list({ orgSlug: org.slug, targetId: service.id });
    expect(audit.entries.map((entry) => entry.action)).toEqual(["service.created"]);
  });
});
