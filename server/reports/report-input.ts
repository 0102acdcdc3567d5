import { z } from "zod";
import { JOB_PHASES, JOB_ERROR_SOURCES, TASK_KINDS, TASK_STATUSES } from "@/lib/vocabulary";

const cursor = z.string("Cursor must be text").min(1, "Cursor must not be empty").optional();
const limit = z
  .number("Limit must be a number")
  .int("Limit must be a whole number")
  .min(1, "Limit must be from 1 to 100")
  .max(100, "Limit must be from 1 to 100")
  .default(50);
const requestId = z
  .string("Request id must be text")
  .trim()
  .min(1, "Request id must not be empty")
  .max(10, "Request id is at most 10 characters")
  .regex(/^[0-9A-Za-z]+$/, "Request id has only letters and digits");

function choices<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z
    .array(z.enum(values, `${what} must be one of ${values.join(", ")}`), `${what} must be a list`)
    .max(values.length, `${what} lists each value at most once`)
    .optional();
}

export const listTasksInput = z.object({
  kind: choices(TASK_KINDS, "Kind"),
  status: choices(TASK_STATUSES, "Status"),
  /** Only the tasks of the job with exactly this request id. */
  requestId: requestId.optional(),
  cursor,
  limit,
});
export type ListTasksInput = z.infer<typeof listTasksInput>;

export const errorFilterInput = z.object({
  serviceId: z.uuid("Service id must be a UUID").optional(),
  phase: choices(JOB_PHASES, "Phase"),
  source: choices(JOB_ERROR_SOURCES, "Source"),
  /** The errors of the job with exactly this request id. */
  requestId: requestId.optional(),
});
export type ErrorFilter = z.infer<typeof errorFilterInput>;

export const listErrorsInput = errorFilterInput.extend({ cursor, limit });
export type ListErrorsInput = z.infer<typeof listErrorsInput>;
