/**
 * Inngest Cloud's documented platform limits, enforced by default so code that runs on this engine does not
 * first fail in production. Each is configurable for a self-hosted Inngest whose operator raised it.
 */
export type Plan = "free" | "paid";

export interface PlatformLimits {
  maxStepsPerRun: number;
  maxStepOutputBytes: number;
  /** Event data + memoized step outputs + function output of one run. */
  maxRunStateBytes: number;
  maxEventBytes: number;
  maxEventsPerRequest: number;
  /** How long one request to the app (one step) may take. */
  stepTimeoutMs: number;
}

const MIB = 1024 * 1024;

/** The event size is the one limit that depends on the billing plan (256 KiB free, 3 MiB on paid plans). */
export const MAX_EVENT_BYTES_BY_PLAN: Record<Plan, number> = { free: 256 * 1024, paid: 3 * MIB };

export const DEFAULT_LIMITS: Omit<PlatformLimits, "maxEventBytes"> = {
  maxStepsPerRun: 1000,
  maxStepOutputBytes: 4 * MIB,
  maxRunStateBytes: 32 * MIB,
  maxEventsPerRequest: 5000,
  stepTimeoutMs: 2 * 60 * 60 * 1000,
};

export type LimitOptions = Partial<PlatformLimits> & { plan?: Plan };

/** Defaults for the plan (free unless told), overridden field by field; every limit must be a positive integer. */
export function resolveLimits(options: LimitOptions = {}): PlatformLimits {
  const { plan = "free", ...overrides } = options;
  const limits: PlatformLimits = { ...DEFAULT_LIMITS, maxEventBytes: MAX_EVENT_BYTES_BY_PLAN[plan] };
  for (const [field, value] of Object.entries(overrides) as [keyof PlatformLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`limits.${field}: must be a positive integer, got ${String(value)}`);
    }
    limits[field] = value;
  }
  return limits;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

export interface LimitError {
  name: string;
  message: string;
}

/** Inngest's own error names and messages for the run-level limits. */
export function stepLimitError(limit: number): LimitError {
  return {
    name: "InngestErrFunctionOverflowed",
    message: `The function run exceeded the step limit of ${limit} steps.`,
  };
}

export function stateSizeError(limit: number): LimitError {
  return {
    name: "InngestErrStateOverflowed",
    message: `The function run exceeded the state size limit of ${limit} bytes.`,
  };
}

export function stepOutputError(step: string, limit: number, size: number): LimitError {
  return {
    name: "StepOutputTooLarge",
    message: `The output of step "${step}" is greater than the step output limit: Max ${limit} bytes / Size ${size} bytes.`,
  };
}

export function stepTimeoutError(limitMs: number): LimitError {
  return {
    name: "StepTimeout",
    message: `The request to the app exceeded the step timeout of ${limitMs} ms.`,
  };
}

/** The event API's answer, as Inngest words it (the SDK surfaces it as "Inngest API Error: 400 …"). */
export function eventTooLargeMessage(limit: number, size: number): string {
  return `Event is over the max size: Max ${limit} bytes / Size ${size} bytes`;
}

export function tooManyEventsMessage(limit: number, count: number): string {
  return `Too many events in one request: Max ${limit} events / Received ${count} events`;
}
