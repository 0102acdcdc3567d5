import { z } from "zod";
import { JOB_STATUSES, RUN_MODES } from "@/lib/vocabulary";

const serviceId = z.uuid("Service id must be a UUID");
const requestId = z
  .string("Request id must be text")
  .trim()
  .min(1, "Request id must not be empty")
  .max(10, "Request id is at most 10 characters")
  .regex(/^[0-9A-Za-z]+$/, "Request id has only letters and digits");

export const runJobInput = z.object({ serviceId, mode: z.enum(RUN_MODES, "Mode must be delta or full") });
export const jobByRequestIdInput = z.object({ requestId });

export const listJobsInput = z
  .object({
    serviceId: serviceId.optional(),
    status: z
      .array(z.enum(JOB_STATUSES, `Status must be one of ${JOB_STATUSES.join(", ")}`), "Status must be a list")
      .max(JOB_STATUSES.length, "Status lists each status at most once")
      .optional(),
    /** A prefix, as people type it. */
    requestId: requestId.optional(),
    /** Jobs created at or after this instant. */
    createdFrom: z.date("Created from must be a date").optional(),
    /** Jobs created before this instant. */
    createdTo: z.date("Created to must be a date").optional(),
    cursor: z.string("Cursor must be text").min(1, "Cursor must not be empty").optional(),
    limit: z
      .number("Limit must be a number")
      .int("Limit must be a whole number")
      .min(1, "Limit must be from 1 to 100")
      .max(100, "Limit must be from 1 to 100")
      .default(50),
  })
  .refine((input) => !input.createdFrom || !input.createdTo || input.createdFrom < input.createdTo, {
    message: "Created to must be after created from",
    path: ["createdTo"],
  });
export type ListJobsInput = z.infer<typeof listJobsInput>;
