import { z } from "zod";
import { INDICATOR_TYPES, QUERY_SORT_FIELDS, SORT_DIRECTIONS } from "@/lib/vocabulary";
import { tqlExpressionProblem } from "../threatconnect";
import { runMode, serviceId } from "./service-input";

export const MAX_QUERIES_PER_SERVICE = 50;
const MAX_TQL_LENGTH = 4000;

export const queryDefinition = z.object({
  owners: z
    .array(z.string().trim().min(1, "Owner names must not be empty"), "Owners must be a list of owner names")
    .min(1, "Select at least one owner to query")
    .max(100, "At most 100 owners")
    .transform((owners) => [...new Set(owners)]),
  types: z
    .array(
      z.enum(INDICATOR_TYPES, `Indicator types must be among ${INDICATOR_TYPES.join(", ")}`),
      "Indicator types must be a list",
    )
    .min(1, "Select at least one indicator type")
    .transform((types) => INDICATOR_TYPES.filter((type) => types.includes(type))),
  tql: z
    .string("TQL is required")
    .trim()
    .min(1, "TQL is required")
    .max(MAX_TQL_LENGTH, `TQL must be at most ${MAX_TQL_LENGTH} characters`)
    // The pipeline wraps this TQL in parentheses next to the owner and type filters, so it must be one expression.
    .superRefine((tql, context) => {
      const problem = tqlExpressionProblem(tql);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }),
  sortField: z
    .enum(QUERY_SORT_FIELDS, `Sort field must be one of ${QUERY_SORT_FIELDS.join(", ")}`)
    .default("dateAdded"),
  sortDirection: z.enum(SORT_DIRECTIONS, "Sort direction must be ASC or DESC").default("ASC"),
});
export type QueryDefinition = z.infer<typeof queryDefinition>;

export const saveQueriesInput = z.object({
  serviceId,
  /** The queriesVersion the edit started from; a save over someone else's newer save is refused, not merged. */
  queriesVersion: z
    .number("Queries version must be a number")
    .int("Queries version must be a whole number")
    .min(0, "Queries version must be 0 or more"),
  runMode,
  /** The whole list, highest priority first; ids keep an existing query's identity across reorders. */
  queries: z
    .array(queryDefinition.extend({ id: z.uuid("Query id must be a UUID").optional() }), "Queries must be a list")
    .max(MAX_QUERIES_PER_SERVICE, `At most ${MAX_QUERIES_PER_SERVICE} queries per service`)
    .refine((queries) => {
      const ids = queries.flatMap((query) => (query.id ? [query.id] : []));
      return new Set(ids).size === ids.length;
    }, "The same query appears twice in the list"),
});
export type SaveQueriesInput = z.infer<typeof saveQueriesInput>;

export const validateQueryInput = z.object({
  serviceId,
  tql: queryDefinition.shape.tql,
  owners: queryDefinition.shape.owners.optional(),
  types: queryDefinition.shape.types.optional(),
});
export type ValidateQueryInput = z.infer<typeof validateQueryInput>;

export const previewQueryInput = z.object({ serviceId, query: queryDefinition });
export type PreviewQueryInput = z.infer<typeof previewQueryInput>;
