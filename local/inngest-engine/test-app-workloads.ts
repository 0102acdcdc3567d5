import { eventType, Middleware, staticSchema, type Inngest } from "inngest";
import type { ExecutionLog } from "./test-app";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SERIAL_WORK_MS = 15;

/**
 * Records every v4 middleware hook the sync pipeline relies on, so a test can check they fire as documented
 * when the engine (not Inngest) drives the run.
 */
function middlewareRecorder(log: ExecutionLog) {
  return class HookRecorder extends Middleware.BaseMiddleware {
    readonly id = "hook-recorder";
    override async onRunStart({ ctx }: Middleware.OnRunStartArgs) {
      await log.record(ctx.runId, "hook.onRunStart");
    }
    override async onRunComplete({ ctx, output }: Middleware.OnRunCompleteArgs) {
      await log.record(ctx.runId, "hook.onRunComplete", { output });
    }
    override async onRunError({ ctx, isFinalAttempt }: Middleware.OnRunErrorArgs) {
      await log.record(ctx.runId, "hook.onRunError", { isFinalAttempt });
    }
    override async onStepStart({ ctx, stepInfo }: Middleware.OnStepStartArgs) {
      await log.record(ctx.runId, "hook.onStepStart", { step: stepInfo.options.id, attempt: ctx.attempt });
    }
    override async onStepComplete({ ctx, stepInfo }: Middleware.OnStepCompleteArgs) {
      await log.record(ctx.runId, "hook.onStepComplete", { step: stepInfo.options.id });
    }
    override async onStepError({ ctx, stepInfo, isFinalAttempt }: Middleware.OnStepErrorArgs) {
      await log.record(ctx.runId, "hook.onStepError", { step: stepInfo.options.id, isFinalAttempt });
    }
  };
}

/** The shapes the sync pipeline uses: chunked fan-out, runs serialised per key, middleware hooks. */
export function createPipelineShapeFunctions(inngest: Inngest.Any, log: ExecutionLog) {
  const chunkedFanOut = inngest.createFunction(
    {
      id: "chunked-fan-out",
      triggers: [eventType("test/chunked-fan-out", { schema: staticSchema<{ count: number; chunk: number }>() })],
    },
    async ({ step, event }) => {
      const { count, chunk } = event.data;
      let sent = 0;
      for (let start = 0; start < count; start += chunk) {
        const events = Array.from({ length: Math.min(chunk, count - start) }, (_, offset) => ({
          name: "test/chunk-child",
          data: { index: start + offset },
        }));
        const { ids } = await step.sendEvent(`fan-${start}`, events);
        sent += ids.length;
      }
      return { sent };
    },
  );

  const chunkChild = inngest.createFunction(
    { id: "chunk-child", triggers: [eventType("test/chunk-child", { schema: staticSchema<{ index: number }>() })] },
    async ({ event, runId }) => {
      await log.record(runId, "chunk-child", { index: event.data.index });
      return event.data.index;
    },
  );

  const serialPerPrincipal = inngest.createFunction(
    {
      id: "serial-per-principal",
      concurrency: [{ limit: 1, key: "event.data.principalKey" }],
      triggers: [eventType("test/serial", { schema: staticSchema<{ principalKey: string; seq: number }>() })],
    },
    async ({ step, event, runId }) => {
      const work = (name: string) =>
        step.run(name, async () => {
          const detail = { key: event.data.principalKey, seq: event.data.seq, step: name };
          await log.record(runId, "serial.begin", detail);
          await delay(SERIAL_WORK_MS);
          await log.record(runId, "serial.end", detail);
        });
      await work("first");
      await work("second");
    },
  );

  const observed = inngest.createFunction(
    { id: "observed", retries: 1, middleware: [middlewareRecorder(log)], triggers: [{ event: "test/observed" }] },
    async ({ step, runId }) => {
      await step.run("steady", () => "ok");
      await step.run("flaky-once", async () => {
        if ((await log.record(runId, "observed.flaky")) === 1) throw new Error("first attempt fails");
        return "recovered";
      });
      return "observed done";
    },
  );

  return [chunkedFanOut, chunkChild, serialPerPrincipal, observed];
}

/** Functions that approach or cross a platform limit, sized by their event. */
export function createLimitFunctions(inngest: Inngest.Any, log: ExecutionLog) {
  const manySteps = inngest.createFunction(
    {
      id: "many-steps",
      retries: 0,
      triggers: [eventType("test/many-steps", { schema: staticSchema<{ steps: number }>() })],
    },
    async ({ step, event, runId }) => {
      for (let index = 0; index < event.data.steps; index++) {
        await step.run(`step-${index}`, () => log.record(runId, "many-steps.step", { index }));
      }
      return event.data.steps;
    },
  );

  const bigOutput = inngest.createFunction(
    {
      id: "big-output",
      retries: 0,
      triggers: [
        eventType("test/big-output", {
          schema: staticSchema<{ stepBytes: number; steps: number; returnBytes?: number }>(),
        }),
      ],
    },
    async ({ step, event }) => {
      for (let index = 0; index < event.data.steps; index++) {
        await step.run(`output-${index}`, () => "x".repeat(event.data.stepBytes));
      }
      return "y".repeat(event.data.returnBytes ?? 0);
    },
  );

  const slowStep = inngest.createFunction(
    {
      id: "slow-step",
      retries: 0,
      triggers: [eventType("test/slow-step", { schema: staticSchema<{ ms: number }>() })],
    },
    async ({ step, event }) => step.run("slow", () => delay(event.data.ms).then(() => "finished")),
  );

  return [manySteps, bigOutput, slowStep];
}
