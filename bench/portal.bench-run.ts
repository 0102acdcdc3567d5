import { fork, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { callerFor, makeOrg, testDb } from "@/test/db";
import { serviceInput } from "@/test/services";
import type { PortalCase, WorkerReply, WorkerRequest } from "./portal-worker";

/**
 * bench:portal: one org seeded in SQL (seconds, not minutes) with --jobs jobs over two services, --tasks tasks
 * (one in 500 failed) and --errors job errors in mixed phases, plus a second org's rows and the system's cleaner
 * tasks around it. Then the JOBS, TASKS and ERRORS list procedures, each on its first page, a filtered page and a
 * page deep down the keyset, are called by --workers separate processes at once (portal-worker.ts), each through
 * the real routers (createCaller, membership check included) with one call in flight. Times are server time per call;
 * `aloneP50Ms` is the same case called by one process with the others idle, and `nodeCpuMsPerCall` the CPU the
 * worker processes spent per call under load (Postgres's share is not in it).
 */
const settings = process.env;
const JOBS = Number(settings.BENCH_JOBS ?? 100_000);
const TASKS = Number(settings.BENCH_TASKS ?? 1_000_000);
const ERRORS = Number(settings.BENCH_ERRORS ?? 2 * JOBS);
const WORKERS = Number(settings.BENCH_WORKERS ?? 8);
const RESULT_FILE = settings.BENCH_RESULT_FILE;
const CALLS_PER_CASE = 200;
const SERIAL_CALLS = 50;
const ERRORS_PER_FAILING_JOB = 10;

const cursorOf = (row: { at: string; id: string } | undefined) =>
  Buffer.from(`${new Date(row?.at ?? 0).toISOString()}|${row?.id ?? ""}`, "utf8").toString("base64url");

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))] ?? Number.NaN;

const round1 = (value: number) => Math.round(value * 10) / 10;

type Measured = { durationsMs: number[]; cpuMs: number };
type Worker = { run(benchCase: PortalCase, calls: number): Promise<Measured>; exit(): void };

/** Forks one load process and resolves once its router is loaded; a worker that dies fails the bench. */
function startWorker(user: { id: string; email: string }): Promise<Worker> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./portal-worker.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_USER_ID: user.id, BENCH_USER_EMAIL: user.email },
  });
  const send = (request: WorkerRequest) => child.send(request);
  const nextReply = () =>
    new Promise<WorkerReply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`portal-worker exited with ${code}`));
      child.once("exit", onExit);
      child.once("message", (reply: WorkerReply) => {
        child.off("exit", onExit);
        resolve(reply);
      });
    });
  return nextReply().then(() => ({
    async run(benchCase, calls) {
      const reply = nextReply();
      send({ type: "run", case: benchCase, calls });
      const done = await reply;
      if (done.type !== "done" || done.name !== benchCase.name) throw new Error(`portal-worker answered ${done.type}`);
      return { durationsMs: done.durationsMs, cpuMs: done.cpuMs };
    },
    exit: () => send({ type: "exit" }),
  }));
}

async function seed(orgId: string, serviceIds: [string, string], otherOrgId: string, otherServiceId: string) {
  const [first, second] = serviceIds;
  // A third of the jobs belong to the second service, independently of the status cycle (every 4th job fails).
  await testDb.execute(sql`
    insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at, started_at, finished_at)
    select ${orgId}::uuid, case when g % 3 = 0 then ${second}::uuid else ${first}::uuid end,
           'P' || lpad(g::text, 9, '0'), case when g % 7 = 0 then 'delta' else 'full' end, 'schedule',
           (array['succeeded','failed','partially_succeeded','cancelled'])[1 + g % 4], 'done',
           now() - make_interval(secs => g * 60), now() - make_interval(secs => g * 60 - 1),
           now() - make_interval(secs => g * 60 - 30)
    from generate_series(1, ${JOBS}) as g`);
  // Another tenant's rows in the same tables, so every list has to pick its org out of a shared index.
  await testDb.execute(sql`
    insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at)
    select ${otherOrgId}::uuid, ${otherServiceId}::uuid, 'Q' || lpad(g::text, 9, '0'), 'full', 'schedule', 'failed',
           'done', now() - make_interval(secs => g * 37)
    from generate_series(1, ${Math.ceil(JOBS / 10)}) as g`);
  const perJob = Math.max(1, Math.round(TASKS / JOBS));
  await testDb.execute(sql`
    insert into tasks (org_id, job_id, run_id, step_id, attempt, kind, label, status, started_at, finished_at)
    select j.org_id, j.id, j.id::text, 'step-' || s, 0,
           (array['download','prepare','upload','finalize'])[1 + s % 4], 'Step ' || s,
           case when abs(hashtext(j.request_id || s)) % 500 = 0 then 'failed' else 'succeeded' end,
           j.created_at + make_interval(secs => s), j.created_at + make_interval(secs => s + 1)
    from jobs j cross join generate_series(1, ${perJob}) as s`);
  await testDb.execute(sql`
    insert into tasks (org_id, job_id, run_id, step_id, attempt, kind, label, status, started_at, finished_at)
    select null, null, 'cleaner-' || g, 'clean', 0, 'cleaner', 'Clean old records', 'succeeded',
           now() - make_interval(days => g), now() - make_interval(days => g) + interval '5 seconds'
    from generate_series(1, 30) as g`);
  const everyNthJob = Math.max(1, Math.round((JOBS * ERRORS_PER_FAILING_JOB) / ERRORS));
  await testDb.execute(sql`
    insert into job_errors (org_id, job_id, service_id, phase, source, indicator_id, indicator_type, indicator_value,
                            message, fingerprint, first_seen_at, last_seen_at)
    select j.org_id, j.id, j.service_id, (array['prepare','prepare','prepare','upload','upload','download'])[1 + e % 6],
           (array['mapping','mapping','mapping','sentinel','sentinel','threatconnect'])[1 + e % 6],
           (1000 + row_number() over ())::text, 'Host', 'host-' || j.request_id || '-' || e || '.example',
           'Rejected', 'fp-' || e, j.created_at + make_interval(secs => e), j.created_at + make_interval(secs => e)
    from jobs j cross join generate_series(1, ${ERRORS_PER_FAILING_JOB}) as e
    where substring(j.request_id from 2)::int % ${everyNthJob} = 0`);
  await testDb.execute(sql`analyze jobs; analyze tasks; analyze job_errors`);
  return perJob;
}

it(`lists over ${JOBS} jobs, ${TASKS} tasks and ${ERRORS} errors from ${WORKERS} processes`, async () => {
  const { org, owner } = await makeOrg();
  const other = await makeOrg();
  const api = callerFor(owner);
  const services = [
    await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Bench one" }) }),
    await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Bench two" }) }),
  ] as const;
  const otherService = await callerFor(other.owner).service.create({ orgSlug: other.org.slug, ...serviceInput() });
  const seedStart = performance.now();
  const perJob = await seed(org.id, [services[0].id, services[1].id], other.org.id, otherService.id);
  const seedSeconds = round1((performance.now() - seedStart) / 1000);
  const [{ errors } = { errors: 0 }] = await testDb.execute<{ errors: number }>(
    sql`select count(*)::int as errors from job_errors where org_id = ${org.id}::uuid`,
  );

  const [deepJob] = await testDb.execute<{ at: string; id: string }>(
    sql`select created_at as at, id from jobs where org_id = ${org.id}::uuid
        order by created_at desc, id desc offset ${Math.floor(JOBS * 0.9)} limit 1`,
  );
  const [deepTask] = await testDb.execute<{ at: string; id: string }>(
    sql`select started_at as at, id from tasks where org_id = ${org.id}::uuid
        order by started_at desc, id desc offset ${Math.floor(perJob * JOBS * 0.9)} limit 1`,
  );
  const [deepError] = await testDb.execute<{ at: string; id: string }>(
    sql`select first_seen_at as at, id from job_errors where org_id = ${org.id}::uuid
        order by first_seen_at desc, id desc offset ${Math.floor(errors * 0.9)} limit 1`,
  );
  const orgSlug = org.slug;
  const serviceId = services[1].id;
  const cases: PortalCase[] = [
    { name: "jobs first page", router: "job", input: { orgSlug } },
    { name: "jobs filtered", router: "job", input: { orgSlug, status: ["failed"], serviceId } },
    { name: "jobs deep cursor", router: "job", input: { orgSlug, cursor: cursorOf(deepJob) } },
    { name: "tasks first page", router: "task", input: { orgSlug } },
    { name: "tasks filtered", router: "task", input: { orgSlug, kind: ["upload"], status: ["failed"] } },
    { name: "tasks deep cursor", router: "task", input: { orgSlug, cursor: cursorOf(deepTask) } },
    { name: "errors first page", router: "report", input: { orgSlug } },
    { name: "errors filtered", router: "report", input: { orgSlug, serviceId, phase: ["upload"] } },
    { name: "errors deep cursor", router: "report", input: { orgSlug, cursor: cursorOf(deepError) } },
  ];

  const loadAverageAtStart = round1(loadavg()[0] ?? 0);
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(owner)));
  const results: Record<
    string,
    { p50Ms: number; p95Ms: number; calls: number; aloneP50Ms: number; nodeCpuMsPerCall: number }
  > = {};
  try {
    // Unmeasured round of every case: the first case measured must not pay for the workers' cold start and caches.
    for (const benchCase of cases) await Promise.all(workers.map((worker) => worker.run(benchCase, 2)));
    for (const benchCase of cases) {
      // The same case from one process alone first: what a call costs when it does not wait for a CPU.
      const alone = await workers[0]?.run(benchCase, SERIAL_CALLS);
      const loaded = await Promise.all(
        workers.map((worker) => worker.run(benchCase, Math.ceil(CALLS_PER_CASE / WORKERS))),
      );
      const durations = loaded.flatMap((measured) => measured.durationsMs);
      results[benchCase.name] = {
        p50Ms: round1(percentile(durations, 0.5)),
        p95Ms: round1(percentile(durations, 0.95)),
        calls: durations.length,
        aloneP50Ms: round1(percentile(alone?.durationsMs ?? [], 0.5)),
        nodeCpuMsPerCall: round1(loaded.reduce((sum, measured) => sum + measured.cpuMs, 0) / durations.length),
      };
    }
  } finally {
    for (const worker of workers) worker.exit();
  }
  const figures = {
    bench: "portal",
    jobs: JOBS,
    tasks: perJob * JOBS,
    errors,
    workers: WORKERS,
    callsInFlightPerWorker: 1,
    callsPerList: CALLS_PER_CASE,
    seedSeconds,
    loadAverage: { atStart: loadAverageAtStart, atEnd: round1(loadavg()[0] ?? 0) },
    lists: results,
    worstP95Ms: Math.max(...Object.values(results).map((result) => result.p95Ms)),
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  expect(Object.keys(results)).toHaveLength(cases.length);
}, 3_600_000);
