import { z } from "zod";
import { OWNER_TYPES } from "./types";

const idSchema = z.string().regex(/^-?\d+$/, "expected a numeric id");

const userSchema = z.looseObject({ id: idSchema, userName: z.string() });

function collection<T extends z.ZodType>(item: T) {
  return z.looseObject({
    data: z.array(item).optional(),
    count: z.number().optional(),
  });
}

const tagSchema = z.looseObject({ id: idSchema, name: z.string() });
const attributeSchema = z.looseObject({
  id: idSchema,
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
const securityLabelSchema = z.looseObject({ id: idSchema, name: z.string() });

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

export const indicatorPageSchema = z.object({
  status: successStatus,
  data: z.array(indicatorSchema),
  next: z.string().optional(),
  count: z.number().int().nonnegative().optional(),
});

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

export const deletedPageSchema = z.object({
  status: successStatus,
  data: z.array(
    z.looseObject({
      ownerName: z.string(),
      type: z.string(),
      summary: z.string(),
      dateAdded: z.string(),
    }),
  ),
  next: z.string().optional(),
});

export const errorBodySchema = z.object({ message: z.string() });
