import { createDatabaseClient } from "@/db/client";
import { createCaller } from "@/server/api/root";
import { createAppDependencies } from "@/server/deps";

/**
 * One load process of bench:portal, forked by portal.bench-run.ts so that the callers never share an event loop
 * with each other or with the seeding process. It keeps one call in flight, so the time around a createCaller call
 * is the procedure's own server time (input parsing, membership check, queries), not time queued behind another
 * call's JavaScript in the same process.
 */
export type PortalCase = { name: string; router: "job" | "task" | "report"; input: Record<string, unknown> };
export type WorkerRequest = { type: "run"; case: PortalCase; calls: number } | { type: "exit" };
export type WorkerReply = { type: "ready" } | { type: "done"; name: string; durationsMs: number[]; cpuMs: number };

const { TEST_DATABASE_URL, BENCH_USER_ID, BENCH_USER_EMAIL } = process.env;
if (!TEST_DATABASE_URL || !BENCH_USER_ID || !BENCH_USER_EMAIL || !process.send) {
  throw new Error("portal-worker is forked by bench/portal.bench-run.ts, which sets its database and user");
}
const send = (reply: WorkerReply) => process.send?.(reply);

const client = createDatabaseClient(TEST_DATABASE_URL, { max: 2 });
const api = createCaller({
  db: client.db,
  deps: createAppDependencies({}),
  headers: new Headers(),
  session: {
    user: { id: BENCH_USER_ID, email: BENCH_USER_EMAIL, name: null },
    expires: new Date(Date.now() + 86_400_000).toISOString(),
  },
});

function call(benchCase: PortalCase): Promise<unknown> {
  const input = benchCase.input as never;
  if (benchCase.router === "job") return api.job.list(input);
  if (benchCase.router === "task") return api.task.list(input);
  return api.report.errors(input);
}

/** Each call's wall time, and the CPU this process spent on all of them (user + system). */
async function run(benchCase: PortalCase, calls: number): Promise<{ durationsMs: number[]; cpuMs: number }> {
  // Unmeasured: the first call of a case on a connection prepares its statements.
  await call(benchCase);
  const durationsMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < calls; index += 1) {
    const startedAt = performance.now();
    await call(benchCase);
    durationsMs.push(performance.now() - startedAt);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { durationsMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

process.on("message", (request: WorkerRequest) => {
  if (request.type === "exit") {
    void client.close().then(() => process.exit(0));
    return;
  }
  run(request.case, request.calls).then(
    (measured) => send({ type: "done", name: request.case.name, ...measured }),
    (error: unknown) => {
      console.error(`portal-worker: ${request.case.name} failed`, error);
      process.exit(1);
    },
  );
});
send({ type: "ready" });
