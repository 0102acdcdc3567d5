/** The nine ThreatConnect indicator types the product maps, spelled exactly as the v3 API's `type` field. */
export const INDICATOR_TYPES = [
  "Address",
  "ASN",
  "CIDR",
  "EmailAddress",
  "Email Subject",
  "File",
  "Host",
  "Registry Key",
  "URL",
] as const;

export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export function isIndicatorType(value: string): value is IndicatorType {
  return (INDICATOR_TYPES as readonly string[]).includes(value);
}
