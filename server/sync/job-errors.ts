import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "@/db/client";
import { jobErrors } from "@/db/schema";
import type { JobErrorSource, JobPhase } from "@/lib/vocabulary";

export type JobErrorInput = {
  phase: JobPhase;
  source: JobErrorSource;
  message: string;
  field?: string;
  indicator?: { id?: string; type?: string; value?: string; ownerName?: string };
};

type JobRef = { id: string; orgId: string; serviceId: string };

/** Sentinel's and ThreatConnect's messages can be long; the error report needs the start, not a megabyte. */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * Records failures of a job; the same failure seen again (a retried page or batch) counts another occurrence
 * instead of a second row. `repeats: "ignore"` is for work that derives the same errors again when it is retried
 * (a part of prepare): there a repeat is not a new occurrence.
 */
export async function recordJobErrors(
  db: DatabaseOrTransaction,
  job: JobRef,
  errors: readonly JobErrorInput[],
  now: Date,
  options: { repeats?: "count" | "ignore" } = {},
): Promise<void> {
  if (errors.length === 0) return;
  const rows = new Map<string, typeof jobErrors.$inferInsert>();
  for (const error of errors) {
    const message = error.message.slice(0, MAX_MESSAGE_LENGTH);
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([error.phase, error.source, error.field ?? null, error.indicator?.id ?? null, message]))
      .digest("base64url");
    rows.set(fingerprint, {
      orgId: job.orgId,
      jobId: job.id,
      serviceId: job.serviceId,
      phase: error.phase,
      source: error.source,
      field: error.field ?? null,
      indicatorId: error.indicator?.id ?? null,
      indicatorType: error.indicator?.type ?? null,
      indicatorValue: error.indicator?.value ?? null,
      ownerName: error.indicator?.ownerName ?? null,
      message,
      fingerprint,
      firstSeenAt: now,
      lastSeenAt: now,
    });
  }
  const insert = db.insert(jobErrors).values([...rows.values()]);
  if (options.repeats === "ignore") {
    await insert.onConflictDoNothing({ target: [jobErrors.jobId, jobErrors.fingerprint] });
    return;
  }
  await insert.onConflictDoUpdate({
    target: [jobErrors.jobId, jobErrors.fingerprint],
    set: { occurrences: sql`${jobErrors.occurrences} + 1`, lastSeenAt: now },
  });
}
