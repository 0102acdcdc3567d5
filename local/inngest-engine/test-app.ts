import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eventType, Inngest, NonRetriableError, RetryAfterError, staticSchema } from "inngest";
import { serve } from "inngest/node";
import postgres from "postgres";
import { createLimitFunctions, createPipelineShapeFunctions } from "./test-app-workloads";

/**
 * The conformance suite's app: real `inngest` SDK functions served with `serve()`, exactly as product code
 * serves its own. Steps write every execution into Postgres, so tests count executions across processes
 * (the app may run as a child that gets killed) instead of trusting logs.
 */
export class ExecutionLog {
  private readonly sql: postgres.Sql;

  constructor(
    databaseUrl: string,
    private readonly schema: string,
  ) {
    this.sql = postgres(databaseUrl, {
      max: 4,
      onnotice: () => undefined,
      connection: { search_path: schema },
    });
  }

  async init(): Promise<void> {
    await this.sql.unsafe(`create schema if not exists "${this.schema}"`);
    await this.sql.unsafe(`
      create table if not exists step_executions (
        id bigserial primary key,
        run_id text not null,
        step text not null,
        detail jsonb,
        at_ms double precision not null
      )`);
  }

  async record(runId: string, step: string, detail: unknown = null): Promise<number> {
    await this.sql`
      insert into step_executions (run_id, step, detail, at_ms)
      values (${runId}, ${step}, ${this.sql.json(detail as postgres.JSONValue)}, ${Date.now()})`;
    return this.count(step, runId);
  }

  async count(step: string, runId?: string): Promise<number> {
    const [row] = await this.sql<{ count: number }[]>`
      select count(*)::int as count from step_executions
      where step = ${step} and (${runId ?? null}::text is null or run_id = ${runId ?? null})`;
    return row?.count ?? 0;
  }

  async list(step: string): Promise<{ runId: string; detail: unknown; atMs: number }[]> {
    const rows = await this.sql<{ run_id: string; detail: unknown; at_ms: number }[]>`
      select run_id, detail, at_ms from step_executions where step = ${step} order by at_ms, id`;
    return rows.map((row) => ({
      runId: row.run_id,
      detail: row.detail,
      atMs: row.at_ms,
    }));
  }

  close(): Promise<void> {
    return this.sql.end();
  }
}

export const APP_ID = "conformance";
/** Long enough that a test reliably kills a process while the first execution of the step is still running. */
const HANG_ON_FIRST_EXECUTION_MS = 5000;
const CONCURRENT_WORK_MS = 300;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The keyed flow-control functions read `event.data.key`; the type-only schema gives it a type without validating. */
const keyedEvent = <TName extends string>(name: TName) => eventType(name, { schema: staticSchema<{ key: string }>() });

export function createConformanceFunctions(engineUrl: string, log: ExecutionLog) {
  // The suite fails steps on purpose; the SDK's console stack traces for them would bury real failures in CI output.
  const quiet = () => undefined;
  const inngest = new Inngest({
    id: APP_ID,
    isDev: true,
    baseUrl: engineUrl,
    logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
  });

  const sequential = inngest.createFunction(
    { id: "sequential", triggers: [{ event: "test/sequential" }] },
    async ({ step, runId }) => {
      const first = await step.run("first", async () => {
        await log.record(runId, "sequential.first");
        return 1;
      });
      const second = await step.run("second", async () => {
        await log.record(runId, "sequential.second");
        return first + 1;
      });
      return { first, second };
    },
  );

  const parallel = inngest.createFunction(
    { id: "parallel", triggers: [{ event: "test/parallel" }] },
    async ({ step, runId }) => {
      const letters = await Promise.all(
        ["x", "y", "z"].map((letter) =>
          step.run(letter, async () => {
            await log.record(runId, `parallel.${letter}`);
            return letter;
          }),
        ),
      );
      const joined = await step.run("join", async () => {
        await log.record(runId, "parallel.join");
        return letters.join("");
      });
      return { joined };
    },
  );

  const retried = inngest.createFunction(
    { id: "retried", retries: 3, triggers: [{ event: "test/retried" }] },
    async ({ step, runId }) =>
      step.run("flaky", async () => {
        const executions = await log.record(runId, "retried.flaky");
        if (executions < 3) throw new Error(`transient failure ${executions}`);
        return "recovered";
      }),
  );

  const failing = inngest.createFunction(
    {
      id: "failing",
      retries: 1,
      triggers: [{ event: "test/failing" }],
      onFailure: async ({ error, event, runId }) => {
        await log.record(runId, "failing.onFailure", {
          message: error.message,
          failedRunId: event.data.run_id,
        });
      },
    },
    async ({ step, runId }) => {
      await step.run("always-fails", async () => {
        await log.record(runId, "failing.always-fails");
        throw new Error("permanent failure");
      });
    },
  );

  const sleeper = inngest.createFunction(
    { id: "sleeper", triggers: [{ event: "test/sleeper" }] },
    async ({ step, runId }) => {
      await step.run("before", () => log.record(runId, "sleeper.before"));
      await step.sleep("nap", "1s");
      await step.run("after", () => log.record(runId, "sleeper.after"));
    },
  );

  const fanOut = inngest.createFunction(
    { id: "fan-out", triggers: [{ event: "test/fan-out" }] },
    async ({ step, event }) => {
      const count = Number(event.data.count);
      return step.sendEvent(
        "fan",
        Array.from({ length: count }, (_, index) => ({
          name: "test/fan-child",
          data: { index },
        })),
      );
    },
  );

  const fanChild = inngest.createFunction(
    {
      id: "fan-child",
      triggers: [
        eventType("test/fan-child", {
          schema: staticSchema<{ index: number }>(),
        }),
      ],
    },
    async ({ step, event, runId }) => {
      await step.run("child", () => log.record(runId, "fan-child", { index: event.data.index }));
    },
  );

  const scheduled = inngest.createFunction(
    { id: "scheduled", triggers: [{ cron: "TZ=Europe/Paris 30 9 * * *" }] },
    async ({ step, event, runId }) => {
      await step.run("tick", () => log.record(runId, "scheduled.tick", { name: event.name }));
    },
  );

  const throttled = inngest.createFunction(
    {
      id: "throttled",
      throttle: { limit: 1, period: "1s", key: "event.data.key" },
      triggers: [keyedEvent("test/throttled")],
    },
    async ({ step, event, runId }) => {
      await step.run("start", () => log.record(runId, "throttled.start", { key: event.data.key }));
    },
  );

  const limited = inngest.createFunction(
    {
      id: "limited",
      concurrency: { limit: 2, key: "event.data.key" },
      triggers: [keyedEvent("test/limited")],
    },
    async ({ step, event, runId }) => {
      await step.run("work", async () => {
        await log.record(runId, "limited.work-start", { key: event.data.key });
        await delay(CONCURRENT_WORK_MS);
        await log.record(runId, "limited.work-end", { key: event.data.key });
      });
    },
  );

  const rateLimited = inngest.createFunction(
    {
      id: "rate-limited",
      rateLimit: { limit: 1, period: "1m", key: "event.data.key" },
      triggers: [keyedEvent("test/rate-limited")],
    },
    async ({ step, event, runId }) => {
      await step.run("accepted", () => log.record(runId, "rate-limited.accepted", { key: event.data.key }));
    },
  );

  const cancellable = inngest.createFunction(
    {
      id: "cancellable",
      cancelOn: [{ event: "test/cancel", match: "data.orderId" }],
      triggers: [{ event: "test/cancellable" }],
    },
    async ({ step, runId }) => {
      await step.run("first", () => log.record(runId, "cancellable.first"));
      await step.sleep("wait", "1h");
      await step.run("second", () => log.record(runId, "cancellable.second"));
    },
  );

  const retryAfter = inngest.createFunction(
    {
      id: "retry-after",
      retries: 2,
      triggers: [{ event: "test/retry-after" }],
    },
    async ({ step, runId }) =>
      step.run("call", async () => {
        const executions = await log.record(runId, "retry-after.call");
        if (executions === 1) throw new RetryAfterError("upstream asked us to slow down", 1000);
        return "done";
      }),
  );

  const nonRetriable = inngest.createFunction(
    {
      id: "non-retriable",
      retries: 4,
      triggers: [{ event: "test/non-retriable" }],
    },
    async ({ step, runId }) =>
      step.run("reject", async () => {
        await log.record(runId, "non-retriable.reject");
        throw new NonRetriableError("input can never succeed");
      }),
  );

  const waiting = inngest.createFunction({ id: "waiting", triggers: [{ event: "test/waiting" }] }, async ({ step }) =>
    step.waitForEvent("approval", { event: "test/approved", timeout: "1h" }),
  );

  const finishedListener = inngest.createFunction(
    {
      id: "finished-listener",
      triggers: [
        {
          event: eventType("inngest/function.finished", {
            schema: staticSchema<{ function_id: string; run_id: string }>(),
          }),
          // Only the functions whose ending a test observes: a listener on every run would double bulk workloads.
          if: "event.data.function_id in ['conformance-failing', 'conformance-cancellable']",
        },
      ],
    },
    async ({ step, event, runId }) => {
      await step.run("note", () =>
        log.record(runId, "finished", {
          functionId: event.data.function_id,
          runId: event.data.run_id,
        }),
      );
    },
  );

  const durable = inngest.createFunction(
    { id: "durable", triggers: [{ event: "test/durable" }] },
    async ({ step, runId }) => {
      await step.run("one", () => log.record(runId, "durable.one"));
      await step.sleep("pause", "1s");
      await step.run("two", async () => {
        const executions = await log.record(runId, "durable.two");
        if (executions === 1) await delay(HANG_ON_FIRST_EXECUTION_MS);
        return executions;
      });
      await step.run("three", () => log.record(runId, "durable.three"));
      return "durable done";
    },
  );

  return {
    inngest,
    functions: [
      sequential,
      parallel,
      retried,
      failing,
      sleeper,
      fanOut,
      fanChild,
      scheduled,
      throttled,
      limited,
      rateLimited,
      cancellable,
      retryAfter,
      nonRetriable,
      waiting,
      finishedListener,
      durable,
      ...createPipelineShapeFunctions(inngest, log),
      ...createLimitFunctions(inngest, log),
    ],
  };
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the conformance app at `/api/inngest` on a plain node server, as `inngest/node` documents. */
export async function startConformanceApp(options: {
  engineUrl: string;
  log: ExecutionLog;
  port?: number;
}): Promise<AppServer> {
  const { inngest, functions } = createConformanceFunctions(options.engineUrl, options.log);
  const handler = serve({ client: inngest, functions });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/api/inngest")) return void handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
