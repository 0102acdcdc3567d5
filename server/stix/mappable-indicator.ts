import { z } from "zod";

/** ThreatConnect may send an empty expanded collection as `{}` or `{ "count": 0 }`, so `data` is optional. */
type Collection<T> = { readonly data?: readonly T[] | null };

/**
 * The part of a ThreatConnect v3 indicator (fields=tags,attributes,associatedGroups,threatAssess) that the
 * STIX mapping reads. Ids are strings because ThreatConnect ids exceed 2^53 and the client parses JSON
 * losslessly; everything else keeps the API's own (sometimes spaced) keys so the API shape is assignable.
 */
export type MappableIndicator = {
  readonly id: string;
  readonly type: string;
  readonly ownerName: string;
  readonly dateAdded: string;
  readonly lastModified?: string | null;
  readonly summary?: string | null;
  readonly webLink?: string | null;
  readonly rating?: number | null;
  readonly confidence?: number | null;
  readonly threatAssessScore?: number | null;
  readonly ip?: string | null;
  readonly hostName?: string | null;
  readonly md5?: string | null;
  readonly sha1?: string | null;
  readonly sha256?: string | null;
  readonly text?: string | null;
  readonly address?: string | null;
  readonly "AS Number"?: string | null;
  readonly Block?: string | null;
  readonly Subject?: string | null;
  readonly "Key Name"?: string | null;
  readonly "Value Name"?: string | null;
  readonly "Value Type"?: string | null;
  readonly tags?: Collection<{ readonly name: string }> | null;
  readonly attributes?: Collection<{ readonly type: string; readonly value: string }> | null;
  readonly associatedGroups?: Collection<{
    readonly id: string;
    readonly type: string;
    readonly name: string;
    readonly ownerName?: string | null;
  }> | null;
};

const optionalString = z.string().nullish();
const optionalNumber = z.number().nullish();
const collection = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item).nullish() }).nullish();

/** Validates untrusted JSON (e.g. the CLI's stdin) into the shape `mapIndicator` reads; unknown keys pass through. */
export const mappableIndicatorSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  ownerName: z.string(),
  dateAdded: z.string(),
  lastModified: optionalString,
  summary: optionalString,
  webLink: optionalString,
  rating: optionalNumber,
  confidence: optionalNumber,
  threatAssessScore: optionalNumber,
  ip: optionalString,
  hostName: optionalString,
  md5: optionalString,
  sha1: optionalString,
  sha256: optionalString,
  text: optionalString,
  address: optionalString,
  "AS Number": optionalString,
  Block: optionalString,
  Subject: optionalString,
  "Key Name": optionalString,
  "Value Name": optionalString,
  "Value Type": optionalString,
  tags: collection(z.looseObject({ name: z.string() })),
  attributes: collection(z.looseObject({ type: z.string(), value: z.string() })),
  associatedGroups: collection(
    z.looseObject({ id: z.string(), type: z.string(), name: z.string(), ownerName: optionalString }),
  ),
}) satisfies z.ZodType<MappableIndicator>;

type CollectionKey = "tags" | "attributes" | "associatedGroups";

/**
 * Every top-level key `mapIndicator` reads but the collections, whose items are narrowed separately. A Record
 * rather than a list, so a key added to MappableIndicator and not here fails type checking instead of being dropped.
 */
const MAPPED_KEY_SET: Record<Exclude<keyof MappableIndicator, CollectionKey>, true> = {
  id: true,
  type: true,
  ownerName: true,
  dateAdded: true,
  lastModified: true,
  summary: true,
  webLink: true,
  rating: true,
  confidence: true,
  threatAssessScore: true,
  ip: true,
  hostName: true,
  md5: true,
  sha1: true,
  sha256: true,
  text: true,
  address: true,
  "AS Number": true,
  Block: true,
  Subject: true,
  "Key Name": true,
  "Value Name": true,
  "Value Type": true,
};
const MAPPED_KEYS = Object.keys(MAPPED_KEY_SET) as (keyof typeof MAPPED_KEY_SET)[];

function pick<T extends object, K extends keyof T>(item: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) if (item[key] !== undefined) picked[key] = item[key];
  return picked;
}

function narrowed<T extends object, K extends keyof T>(
  collection: Collection<T> | null | undefined,
  keys: readonly K[],
): Collection<Pick<T, K>> | null | undefined {
  if (!collection) return collection;
  return { data: collection.data?.map((item) => pick(item, keys)) };
}

/**
 * Only what `mapIndicator` reads of an indicator (a ThreatConnect indicator with every field is about 2 KB, this
 * about a third of it): mapping the result gives exactly what mapping the whole indicator gives. The sync pipeline
 * stages this between download and prepare.
 */
export function mappedFieldsOf(indicator: MappableIndicator): MappableIndicator {
  return {
    ...pick(indicator, MAPPED_KEYS),
    tags: narrowed(indicator.tags, ["name"]),
    attributes: narrowed(indicator.attributes, ["type", "value"]),
    associatedGroups: narrowed(indicator.associatedGroups, ["id", "type", "name", "ownerName"]),
  };
}
