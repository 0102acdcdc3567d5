/**
 * The JSON the guide's Data Mappings put in `description` (the ThreatConnect workbook parses it). Sentinel cuts
 * `description` at 1,000 characters in its Data column, which would leave JSON nobody can parse, so it is kept
 * under that bound here.
 */
export const MAX_DESCRIPTION_LENGTH = 1000;

export type IndicatorDescription = {
  type: string;
  summary: string;
  confidence: number | null;
  rating: number | null;
  threatAssessScore: number | null;
  ownerName: string;
  associatedGroups: { id: string; type: string; name: string; ownerName: string | null }[];
  attributes: { type: string; value: string }[];
  webLink: string | null;
};

const ELLIPSIS = "…";

/**
 * Serializes the description within MAX_DESCRIPTION_LENGTH characters: attributes go first (last one first),
 * then associated groups, because the workbook reads the owner and the groups; only a description that is still
 * too long without them (a very long URL or subject) has its summary and web link shortened.
 */
export function serializeDescription(description: IndicatorDescription): string {
  const attributes = [...description.attributes];
  const associatedGroups = [...description.associatedGroups];
  const serialize = () => JSON.stringify({ ...description, associatedGroups, attributes });
  let text = serialize();
  while (text.length > MAX_DESCRIPTION_LENGTH && attributes.length > 0) {
    attributes.pop();
    text = serialize();
  }
  while (text.length > MAX_DESCRIPTION_LENGTH && associatedGroups.length > 0) {
    associatedGroups.pop();
    text = serialize();
  }
  if (text.length <= MAX_DESCRIPTION_LENGTH) return text;
  return shortenStrings({ ...description, associatedGroups: [], attributes: [] });
}

/** Each pass removes at least the overflow from the longest of the free-text fields, so this ends within a few passes. */
function shortenStrings(description: IndicatorDescription): string {
  const shortened = { ...description };
  let text = JSON.stringify(shortened);
  while (text.length > MAX_DESCRIPTION_LENGTH) {
    const overflow = text.length - MAX_DESCRIPTION_LENGTH;
    const field = longestFreeTextField(shortened);
    const value = shortened[field] ?? "";
    shortened[field] = truncate(value, Math.max(0, value.length - overflow - ELLIPSIS.length));
    text = JSON.stringify(shortened);
  }
  return text;
}

type FreeTextField = "summary" | "webLink" | "ownerName";

function longestFreeTextField(description: IndicatorDescription): FreeTextField {
  const fields: FreeTextField[] = ["summary", "webLink", "ownerName"];
  return fields.reduce((longest, field) =>
    (description[field]?.length ?? 0) > (description[longest]?.length ?? 0) ? field : longest,
  );
}

/** Cuts on a code point boundary so no lone surrogate is left behind. */
function truncate(value: string, length: number): string {
  const codePoints = Array.from(value);
  let kept = "";
  for (const codePoint of codePoints) {
    if (kept.length + codePoint.length > length) break;
    kept += codePoint;
  }
  return `${kept}${ELLIPSIS}`;
}
