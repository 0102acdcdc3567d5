import { z } from "zod";

export const faultsSchema = z.strictObject({
  /** Share of API requests answered with `errorStatus`, drawn from the emulator's seeded random stream. */
  errorRate: z.number().min(0).max(1),
  errorStatus: z
    .number()
    .int()
    .refine((status) => status === 429 || (status >= 500 && status <= 599), "must be 429 or a 5xx status"),
  /** Added before every API response; long enough values let tests exercise client read timeouts. */
  latencyMs: z.number().int().min(0).max(600_000),
  /** Share of API requests whose connection is destroyed without an answer. */
  resetRate: z.number().min(0).max(1),
  /** The next N API requests fail with `errorStatus`, for deterministic retry tests. */
  failNext: z.number().int().min(0),
  /** The next N API requests have their connection reset. */
  resetNext: z.number().int().min(0),
  notLicensed: z.boolean(),
  /** Status of a bad signature or timestamp: 401 by the docs' guidance, but real instances have answered 400. */
  badSignatureStatus: z.union([z.literal(400), z.literal(401)]),
  /** Indicators served with a null summary in lists, as one malformed record in an otherwise good page. */
  malformedIndicatorIds: z.array(z.string().regex(/^\d+$/, "must be an indicator id")),
});

export type Faults = z.infer<typeof faultsSchema>;

export const NO_FAULTS: Faults = {
  errorRate: 0,
  errorStatus: 500,
  latencyMs: 0,
  resetRate: 0,
  failNext: 0,
  resetNext: 0,
  notLicensed: false,
  badSignatureStatus: 401,
  malformedIndicatorIds: [],
};

export type FaultAction = "none" | "error" | "reset";

export function nextFaultAction(faults: Faults, random: () => number): FaultAction {
  if (faults.resetNext > 0) {
    faults.resetNext--;
    return "reset";
  }
  if (faults.failNext > 0) {
    faults.failNext--;
    return "error";
  }
  if (faults.resetRate > 0 && random() < faults.resetRate) return "reset";
  if (faults.errorRate > 0 && random() < faults.errorRate) return "error";
  return "none";
}
