import { Cron } from "croner";
import { z } from "zod";
import { assertValidExpression } from "./expressions";
import { parseDurationMs } from "./time-string";

const concurrencyLimitSchema = z.object({
  limit: z.number().int().min(0),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});

const functionSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z
    .array(
      z.union([
        z.object({
          event: z.string().min(1),
          expression: z.string().optional(),
        }),
        z.object({ cron: z.string().min(1), jitter: z.string().optional() }),
      ]),
    )
    .default([]),
  steps: z.record(
    z.string(),
    z.object({
      runtime: z.object({ url: z.url() }),
      retries: z.object({ attempts: z.number().int().min(0).max(20) }).optional(),
    }),
  ),
  throttle: z
    .object({
      limit: z.number().int().min(1),
      period: z.string(),
      key: z.string().optional(),
      burst: z.number().int().min(0).optional(),
    })
    .optional(),
  rateLimit: z
    .object({
      limit: z.number().int().min(1),
      period: z.string(),
      key: z.string().optional(),
    })
    .optional(),
  idempotency: z.string().optional(),
  concurrency: z
    .union([z.number().int().min(0), concurrencyLimitSchema, z.array(concurrencyLimitSchema).max(2)])
    .optional(),
  cancel: z
    .array(
      z.object({
        event: z.string().min(1),
        if: z.string().optional(),
        timeout: z.string().optional(),
      }),
    )
    .optional(),
  batchEvents: z.unknown().optional(),
  debounce: z.unknown().optional(),
  singleton: z.unknown().optional(),
  priority: z.unknown().optional(),
  timeouts: z.unknown().optional(),
});

export const registerBodySchema = z.object({
  url: z.url(),
  appName: z.string().min(1),
  functions: z.array(functionSchema),
});

export type RegisterBody = z.infer<typeof registerBodySchema>;
type RawFunction = z.infer<typeof functionSchema>;

export interface ConcurrencyLimit {
  limit: number;
  key?: string;
  scope: "fn" | "env" | "account";
}

/** The engine's normalised view of one synced function; stored as JSON, so plain data only. */
export interface FunctionDefinition {
  id: string;
  name: string;
  appName: string;
  url: string;
  eventTriggers: { event: string; expression?: string }[];
  crons: string[];
  maxAttempts: number;
  throttle?: { limit: number; periodMs: number; burst: number; key?: string };
  rateLimit?: { limit: number; periodMs: number; key?: string };
  concurrency: ConcurrencyLimit[];
  cancel: { event: string; if?: string; timeoutMs: number }[];
}

/** Inngest's server default when the SDK omits `retries`: four retries after the first attempt. */
export const DEFAULT_RETRIES = 4;
const DEFAULT_CANCEL_TIMEOUT_MS = 365 * 24 * 60 * 60 * 1000;
const IDEMPOTENCY_PERIOD_MS = 24 * 60 * 60 * 1000;
const UNSUPPORTED_OPTIONS = ["batchEvents", "debounce", "singleton", "priority", "timeouts"] as const;

export function parseCronTrigger(cron: string): {
  pattern: string;
  timezone?: string;
} {
  const match = /^(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(cron.trim());
  return match ? { pattern: match[2] ?? "", timezone: match[1] } : { pattern: cron.trim() };
}

export function nextCronTime(cron: string, after: Date): Date | undefined {
  const { pattern, timezone } = parseCronTrigger(cron);
  return new Cron(pattern, { timezone, paused: true }).nextRun(after) ?? undefined;
}

function assertValidCron(cron: string, field: string): void {
  try {
    nextCronTime(cron, new Date());
  } catch (error) {
    throw new Error(`${field}: invalid cron "${cron}": ${(error as Error).message}`, { cause: error });
  }
}

function normaliseConcurrency(raw: RawFunction["concurrency"]): ConcurrencyLimit[] {
  if (raw === undefined) return [];
  const list = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  return list
    .filter((entry) => entry.limit > 0)
    .map((entry) => ({
      limit: entry.limit,
      key: entry.key,
      scope: entry.scope ?? "fn",
    }));
}

function checkedDuration(value: string, field: string): number {
  try {
    return parseDurationMs(value);
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Validates one function of a sync and converts it; every error names the function and the field. */
export function normaliseFunction(raw: RawFunction, appName: string): FunctionDefinition {
  const where = (field: string) => `function "${raw.id}" ${field}`;
  for (const option of UNSUPPORTED_OPTIONS) {
    if (raw[option] !== undefined) throw new Error(`${where(option)}: not supported by the local engine`);
  }
  const step = Object.values(raw.steps)[0];
  if (!step) throw new Error(`${where("steps")}: must contain the "step" entry with a runtime url`);

  const eventTriggers: FunctionDefinition["eventTriggers"] = [];
  const crons: string[] = [];
  raw.triggers.forEach((trigger, index) => {
    if ("cron" in trigger) {
      assertValidCron(trigger.cron, where(`triggers[${index}].cron`));
      crons.push(trigger.cron);
    } else {
      if (trigger.expression) assertValidExpression(trigger.expression, where(`triggers[${index}].expression`));
      eventTriggers.push({
        event: trigger.event,
        expression: trigger.expression,
      });
    }
  });

  const concurrency = normaliseConcurrency(raw.concurrency);
  concurrency.forEach((limit, index) => {
    if (limit.key) assertValidExpression(limit.key, where(`concurrency[${index}].key`));
    else if (limit.scope !== "fn")
      throw new Error(`${where(`concurrency[${index}].key`)}: required for scope "${limit.scope}"`);
  });

  const throttle = raw.throttle && {
    limit: raw.throttle.limit,
    periodMs: checkedDuration(raw.throttle.period, where("throttle.period")),
    burst: raw.throttle.burst ?? 0,
    key: raw.throttle.key,
  };
  if (throttle?.key) assertValidExpression(throttle.key, where("throttle.key"));

  if (raw.rateLimit && raw.idempotency) throw new Error(`${where("idempotency")}: cannot be combined with rateLimit`);
  const rateLimit = raw.rateLimit
    ? {
        limit: raw.rateLimit.limit,
        periodMs: checkedDuration(raw.rateLimit.period, where("rateLimit.period")),
        key: raw.rateLimit.key,
      }
    : raw.idempotency
      ? { limit: 1, periodMs: IDEMPOTENCY_PERIOD_MS, key: raw.idempotency }
      : undefined;
  if (rateLimit?.key) assertValidExpression(rateLimit.key, where(raw.idempotency ? "idempotency" : "rateLimit.key"));

  const cancel = (raw.cancel ?? []).map((entry, index) => {
    if (entry.if) assertValidExpression(entry.if, where(`cancel[${index}].if`));
    return {
      event: entry.event,
      if: entry.if,
      timeoutMs: entry.timeout
        ? checkedDuration(entry.timeout, where(`cancel[${index}].timeout`))
        : DEFAULT_CANCEL_TIMEOUT_MS,
    };
  });

  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    appName,
    url: step.runtime.url,
    eventTriggers,
    crons,
    maxAttempts: (step.retries?.attempts ?? DEFAULT_RETRIES) + 1,
    throttle,
    rateLimit,
    concurrency,
    cancel,
  };
}
