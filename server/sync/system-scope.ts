import type { Scope } from "../scope";

export type { Scope };

/** The system's own work across every org (the schedule, the cleaner): no org, no actor. */
export type SystemScope = Pick<Scope, "db" | "deps">;
