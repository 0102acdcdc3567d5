import { writeFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { callerFor, makeOrg, testDb } from "@/test/db";
import { serviceInput } from "@/test/services";

/**
 * bench:portal: one org seeded with --jobs jobs, --tasks tasks and one error per tenth job (in SQL, so seeding takes
 * seconds), then the JOBS, TASKS and ERRORS list procedures, each on its first page, a filtered page and a page
 * deep down the keyset, called CONCURRENCY at a time through the real routers (createCaller, membership check
 * included). Times are server time per call.
 */
const settings = process.env;
const JOBS = Number(settings.BENCH_JOBS ?? 100_000);
const TASKS = Number(settings.BENCH_TASKS ?? 1_000_000);
const RESULT_FILE = settings.BENCH_RESULT_FILE;
const CALLS_PER_CASE = 200;
const CONCURRENCY = 8;

const cursorOf = (row: { at: string; id: string }) =>
  Buffer.from(`${new Date(row.at).toISOString()}|${row.id}`, "utf8").toString("base64url");

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))] ?? Number.NaN;

it(`lists over ${JOBS} jobs and ${TASKS} tasks`, async () => {
  const { org, owner } = await makeOrg();
  const api = callerFor(owner);
  const service = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
  const seedStart = performance.now();
  await testDb.execute(sql`
    insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at, started_at, finished_at)
    select ${org.id}::uuid, ${service.id}::uuid, 'P' || lpad(g::text, 9, '0'),
           case when g % 7 = 0 then 'delta' else 'full' end, 'schedule',
           (array['succeeded','failed','partially_succeeded','cancelled'])[1 + g % 4], 'done',
           now() - make_interval(secs => g * 60), now() - make_interval(secs => g * 60 - 1),
           now() - make_interval(secs => g * 60 - 30)
    from generate_series(1, ${JOBS}) as g`);
  const perJob = Math.max(1, Math.round(TASKS / JOBS));
  await testDb.execute(sql`
    insert into tasks (org_id, job_id, run_id, step_id, attempt, kind, label, status, started_at, finished_at)
    select j.org_id, j.id, j.id::text, 'step-' || s, 0,
           (array['download','prepare','upload','finalize'])[1 + s % 4], 'Step ' || s,
           case when s % 50 = 0 then 'failed' else 'succeeded' end,
           j.created_at + make_interval(secs => s), j.created_at + make_interval(secs => s + 1)
    from jobs j cross join generate_series(1, ${perJob}) as s where j.org_id = ${org.id}::uuid`);
  await testDb.execute(sql`
    insert into job_errors (org_id, job_id, service_id, phase, source, indicator_id, indicator_type, indicator_value,
                            message, fingerprint, first_seen_at, last_seen_at)
    select j.org_id, j.id, j.service_id, 'upload', 'sentinel', (1000 + row_number() over ())::text, 'Host',
           'host-' || j.request_id || '.example', 'Rejected by Sentinel', 'fp-' || j.id, j.created_at, j.created_at
    from jobs j where j.org_id = ${org.id}::uuid and right(j.request_id, 1) = '0'`);
  await testDb.execute(sql`analyze jobs; analyze tasks; analyze job_errors`);
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;

  const deepJob = await testDb.execute<{ at: string; id: string }>(
    sql`select created_at as at, id from jobs where org_id = ${org.id}::uuid
        order by created_at desc, id desc offset ${Math.floor(JOBS * 0.9)} limit 1`,
  );
  const deepTask = await testDb.execute<{ at: string; id: string }>(
    sql`select started_at as at, id from tasks where org_id = ${org.id}::uuid
        order by started_at desc, id desc offset ${Math.floor(TASKS * 0.9)} limit 1`,
  );
  const deepError = await testDb.execute<{ at: string; id: string }>(
    sql`select first_seen_at as at, id from job_errors where org_id = ${org.id}::uuid
        order by first_seen_at desc, id desc offset ${Math.floor(JOBS / 10 / 2)} limit 1`,
  );
  const orgSlug = org.slug;
  const cases: Record<string, () => Promise<unknown>> = {
    "jobs first page": () => api.job.list({ orgSlug }),
    "jobs filtered": () => api.job.list({ orgSlug, status: ["failed"], serviceId: service.id }),
    "jobs deep cursor": () => api.job.list({ orgSlug, cursor: cursorOf(deepJob[0] ?? { at: "", id: "" }) }),
    "tasks first page": () => api.task.list({ orgSlug }),
    "tasks filtered": () => api.task.list({ orgSlug, kind: ["upload"], status: ["failed"] }),
    "tasks deep cursor": () => api.task.list({ orgSlug, cursor: cursorOf(deepTask[0] ?? { at: "", id: "" }) }),
    "errors first page": () => api.report.errors({ orgSlug }),
    "errors filtered": () => api.report.errors({ orgSlug, serviceId: service.id, phase: ["upload"] }),
    "errors deep cursor": () => api.report.errors({ orgSlug, cursor: cursorOf(deepError[0] ?? { at: "", id: "" }) }),
  };

  const results: Record<string, { p50Ms: number; p95Ms: number }> = {};
  for (const [name, call] of Object.entries(cases)) {
    await call();
    const durations: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CALLS_PER_CASE) {
          next += 1;
          const startedAt = performance.now();
          await call();
          durations.push(performance.now() - startedAt);
        }
      }),
    );
    results[name] = {
      p50Ms: Math.round(percentile(durations, 0.5) * 10) / 10,
      p95Ms: Math.round(percentile(durations, 0.95) * 10) / 10,
    };
  }
  const figures = {
    bench: "portal",
    jobs: JOBS,
    tasks: perJob * JOBS,
    errors: Math.floor(JOBS / 10),
    concurrency: CONCURRENCY,
    callsPerList: CALLS_PER_CASE,
    seedSeconds,
    lists: results,
    worstP95Ms: Math.max(...Object.values(results).map((result) => result.p95Ms)),
  };
  if (RESULT_FILE) writeFileSync(RESULT_FILE, `${JSON.stringify(figures)}\n`);
  expect(Object.keys(results)).toHaveLength(9);
}, 3_600_000);
