import { z } from "zod";
import { OWNER_TYPES, type ThreatConnectIndicator } from "./types";

const idSchema = z.string().regex(/^-?\d+$/, "expected a numeric id");

/** System-created groups and attributes carry a `createdBy` without `id` (ThreatConnect's additional-fields docs). */
const userSchema = z.looseObject({ id: idSchema.optional(), userName: z.string().optional() });

/** An empty expanded collection may arrive as `{}` or `{ "count": 0 }` instead of `{ "data": [] }`. */
function collection<T extends z.ZodType>(item: T) {
  return z.looseObject({
    data: z.array(item).optional(),
    count: z.number().optional(),
  });
}

const tagSchema = z.looseObject({ id: idSchema.optional(), name: z.string() });
const attributeSchema = z.looseObject({
  id: idSchema.optional(),
  type: z.string(),
  value: z.string(),
  createdBy: userSchema.optional(),
});
const groupSchema = z.looseObject({
  id: idSchema,
  ownerId: idSchema.optional(),
  type: z.string(),
  name: z.string(),
  createdBy: userSchema.optional(),
});
const securityLabelSchema = z.looseObject({ id: idSchema.optional(), name: z.string() });

export const indicatorSchema = z.looseObject({
  id: idSchema,
  ownerId: idSchema,
  ownerName: z.string(),
  type: z.string(),
  summary: z.string(),
  dateAdded: z.string(),
  lastModified: z.string(),
  rating: z.number().optional(),
  confidence: z.number().optional(),
  threatAssessScore: z.number().optional(),
  size: z.number().optional(),
  tags: collection(tagSchema).optional(),
  attributes: collection(attributeSchema).optional(),
  associatedGroups: collection(groupSchema).optional(),
  securityLabels: collection(securityLabelSchema).optional(),
});

const successStatus = z.literal("Success");

/** Items stay unparsed here: one bad indicator must cost only itself, so each is parsed on its own. */
export const indicatorPageSchema = z.object({
  status: successStatus,
  data: z.array(z.unknown()),
  next: z.string().optional(),
  count: z.number().int().nonnegative().optional(),
});

/** An indicator the page held but the client could not read, with whatever identifies it. */
export type RejectedIndicator = {
  id?: string;
  type?: string;
  summary?: string;
  ownerName?: string;
  /** Where in the indicator the problem is, e.g. "attributes.data.0.value". */
  field: string;
  reason: string;
};

/** A field named in a job error must be storable itself: a NUL shows as U+FFFD. */
function readableString(item: Record<string, unknown>, key: string): string | undefined {
  const value = item[key];
  return typeof value === "string" || typeof value === "number" ? String(value).replaceAll("\0", "\uFFFD") : undefined;
}

/**
 * The path of the first string in `value` holding a NUL (U+0000), or null. JSON allows one as `\u0000`, but
 * Postgres text and jsonb cannot hold it, so an indicator carrying one could be sent to Sentinel and then never
 * recorded as sent.
 */
function nulCharacterPath(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\0") ? path : null;
  if (typeof value !== "object" || value === null) return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = nulCharacterPath(value[index], `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    const found = nulCharacterPath((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

export function parseIndicators(items: readonly unknown[]): {
  indicators: ThreatConnectIndicator[];
  rejected: RejectedIndicator[];
} {
  const indicators: ThreatConnectIndicator[] = [];
  const rejected: RejectedIndicator[] = [];
  for (const item of items) {
    const parsed = indicatorSchema.safeParse(item);
    const nulAt = parsed.success ? nulCharacterPath(parsed.data, "") : null;
    if (parsed.success && nulAt === null) {
      indicators.push(parsed.data);
      continue;
    }
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    const record = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const where = nulAt ?? (issue && issue.path.length > 0 ? issue.path.join(".") : "indicator");
    rejected.push({
      id: readableString(record, "id"),
      type: readableString(record, "type"),
      summary: readableString(record, "summary"),
      ownerName: readableString(record, "ownerName"),
      field: where,
      reason: nulAt
        ? "holds a NUL character (U+0000), which cannot be stored or sent"
        : (issue?.message ?? "not a ThreatConnect indicator"),
    });
  }
  return { indicators, rejected };
}

export const ownerSchema = z.object({
  id: idSchema,
  name: z.string(),
  type: z.enum(OWNER_TYPES),
});

export const ownerPageSchema = z.object({
  status: successStatus,
  data: z.array(z.looseObject(ownerSchema.shape)),
  next: z.string().optional(),
});

/** ThreatConnect documents these items' fields but not what `dateAdded` means for a deleted indicator. */
export const deletedPageSchema = z.object({
  status: successStatus,
  data: z.array(
    z.looseObject({
      ownerName: z.string(),
      type: z.string(),
      summary: z.string(),
      dateAdded: z.string().optional(),
    }),
  ),
  next: z.string().optional(),
  count: z.number().int().nonnegative().optional(),
});

export const errorBodySchema = z.object({ message: z.string() });
