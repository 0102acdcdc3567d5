import { isIndicatorType, type IndicatorType } from "./indicator-types";
import { formatCidr, formatIpAddress, parseCidr, parseIpAddress } from "./ip-address";
import type { MappableIndicator } from "./mappable-indicator";
import { stixStringLiteral } from "./pattern-grammar";

export type MappingError = { field: string; message: string };

/**
 * What one indicator contributes to Sentinel: the value normalized so that every spelling of the same
 * observable collides (dedupe key and STIX id), the STIX pattern, and the ThreatConnect-style summary
 * used when the API did not send one.
 */
export type Observable = { type: IndicatorType; normalizedValue: string; pattern: string; summary: string };

type ObservableResult = { ok: true; observable: Observable } | { ok: false; error: MappingError };
type ValueResult = { ok: true; value: string } | { ok: false; error: MappingError };

type ValueField = "ip" | "hostName" | "text" | "address" | "AS Number" | "Block" | "Subject";

function fail(field: string, message: string): { ok: false; error: MappingError } {
  return { ok: false, error: { field, message } };
}

/** Single-value types carry the value in their own field; the summary holds the same text when that field is absent. */
function singleValue(indicator: MappableIndicator, field: ValueField): ValueResult {
  const raw = indicator[field] ?? indicator.summary;
  if (raw === undefined || raw === null) return fail(field, "is missing (and there is no summary to fall back on)");
  const value = raw.trim();
  if (value === "") return fail(field, "is empty");
  return { ok: true, value };
}

function comparison(objectPath: string, value: string): string {
  return `${objectPath} = ${stixStringLiteral(value)}`;
}

function single(type: IndicatorType, normalizedValue: string, objectPath: string, summary: string): ObservableResult {
  return {
    ok: true,
    observable: { type, normalizedValue, pattern: `[${comparison(objectPath, normalizedValue)}]`, summary },
  };
}

function addressObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "ip");
  if (!value.ok) return value;
  const address = parseIpAddress(value.value);
  if (!address.ok) return fail("ip", address.reason);
  const objectType = address.value.kind() === "ipv4" ? "ipv4-addr" : "ipv6-addr";
  return single("Address", formatIpAddress(address.value), `${objectType}:value`, value.value);
}

function cidrObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "Block");
  if (!value.ok) return value;
  const block = parseCidr(value.value);
  if (!block.ok) return fail("Block", block.reason);
  const objectType = block.value.address.kind() === "ipv4" ? "ipv4-addr" : "ipv6-addr";
  return single("CIDR", formatCidr(block.value), `${objectType}:value`, value.value);
}

function hostObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "hostName");
  if (!value.ok) return value;
  const host = value.value.toLowerCase().replace(/\.$/, "");
  if (/[\s/\\:@?#]/.test(host))
    return fail("hostName", `'${value.value}' contains a character that is not allowed in a domain name`);
  if (host.length > 253 || host.split(".").some((label) => label === "" || label.length > 63)) {
    return fail(
      "hostName",
      `'${value.value}' is not a domain name (empty or over-long label, or longer than 253 characters)`,
    );
  }
  return single("Host", host, "domain-name:value", value.value);
}

function emailAddressObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "address");
  if (!value.ok) return value;
  if (!/^[^\s@]+@[^\s@]+$/.test(value.value)) {
    return fail(
      "address",
      `'${value.value}' is not an email address (expected one '@' between a local part and a domain, no spaces)`,
    );
  }
  return single("EmailAddress", value.value.toLowerCase(), "email-addr:value", value.value);
}

function urlObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "text");
  if (!value.ok) return value;
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([\s\S]*)$/.exec(value.value);
  const [, scheme = "", authority = "", rest = ""] = match ?? [];
  const hostStart = authority.lastIndexOf("@") + 1;
  if (!match || authority.length === hostStart) {
    return fail("text", `'${value.value}' is not an absolute URL (expected scheme://host...)`);
  }
  // Scheme and host are case-insensitive (RFC 3986 §6.2.2.1); user info, path and query are not.
  const normalized = `${scheme.toLowerCase()}://${authority.slice(0, hostStart)}${authority.slice(hostStart).toLowerCase()}${rest}`;
  return single("URL", normalized, "url:value", value.value);
}

const MAX_AS_NUMBER = 4_294_967_295;

function asnObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "AS Number");
  if (!value.ok) return value;
  const digits = /^ASN?(\d+)$/i.exec(value.value)?.[1];
  if (digits === undefined) return fail("AS Number", `'${value.value}' is not 'ASN' followed by digits`);
  const asNumber = Number(digits);
  if (asNumber > MAX_AS_NUMBER) return fail("AS Number", `'${value.value}' is larger than the 32-bit AS number range`);
  // The guide maps ASN to autonomous-system:name with ThreatConnect's spelling ("ASN001"); the dedupe form
  // drops leading zeros because "ASN001" and "ASN1" name the same system.
  const name = value.value.toUpperCase();
  return {
    ok: true,
    observable: {
      type: "ASN",
      normalizedValue: `ASN${asNumber}`,
      pattern: `[${comparison("autonomous-system:name", name)}]`,
      summary: value.value,
    },
  };
}

function emailSubjectObservable(indicator: MappableIndicator): ObservableResult {
  const value = singleValue(indicator, "Subject");
  if (!value.ok) return value;
  return single("Email Subject", value.value, "email-message:subject", value.value);
}

const HASHES = [
  { field: "sha256", stixName: "SHA-256", length: 64 },
  { field: "sha1", stixName: "SHA-1", length: 40 },
  { field: "md5", stixName: "MD5", length: 32 },
] as const;

type HashField = (typeof HASHES)[number]["field"];

/** The File summary is "md5 : sha1 : sha256" with absent hashes left out, so each part is identified by its length. */
function hashesFromSummary(
  summary: string,
): { ok: true; hashes: Partial<Record<HashField, string>> } | { ok: false; error: MappingError } {
  const hashes: Partial<Record<HashField, string>> = {};
  for (const part of summary.split(":").map((piece) => piece.trim())) {
    const hash = HASHES.find((candidate) => candidate.length === part.length);
    if (!hash) return fail("summary", `'${part}' is not an MD5, SHA-1 or SHA-256 hash (${part.length} characters)`);
    hashes[hash.field] = part;
  }
  return { ok: true, hashes };
}

function fileObservable(indicator: MappableIndicator): ObservableResult {
  let hashes: Partial<Record<HashField, string>> = {};
  for (const { field } of HASHES) {
    const raw = indicator[field]?.trim();
    if (raw) hashes[field] = raw;
  }
  if (Object.keys(hashes).length === 0) {
    const summary = indicator.summary?.trim();
    if (!summary) return fail("sha256", "no md5, sha1 or sha256 is present (and there is no summary to fall back on)");
    const parsed = hashesFromSummary(summary);
    if (!parsed.ok) return parsed;
    hashes = parsed.hashes;
  }
  for (const { field, length } of HASHES) {
    const hash = hashes[field];
    if (hash !== undefined && (hash.length !== length || !/^[0-9a-fA-F]+$/.test(hash))) {
      return fail(field, `'${hash}' must be ${length} hexadecimal digits (got ${hash.length} characters)`);
    }
  }
  const strongest = HASHES.find(({ field }) => hashes[field] !== undefined);
  const strongestHash = strongest && hashes[strongest.field];
  if (!strongest || strongestHash === undefined) return fail("sha256", "no hash is present");
  const normalized = strongestHash.toLowerCase();
  const summary = [hashes.md5, hashes.sha1, hashes.sha256].filter((hash) => hash !== undefined).join(" : ");
  return single("File", normalized, `file:hashes.${stixStringLiteral(strongest.stixName)}`, summary);
}

const HIVES: Record<string, string> = {
  HKEY_LOCAL_MACHINE: "HKEY_LOCAL_MACHINE",
  HKLM: "HKEY_LOCAL_MACHINE",
  HKEY_CURRENT_USER: "HKEY_CURRENT_USER",
  HKCU: "HKEY_CURRENT_USER",
  HKEY_CLASSES_ROOT: "HKEY_CLASSES_ROOT",
  HKCR: "HKEY_CLASSES_ROOT",
  HKEY_USERS: "HKEY_USERS",
  HKU: "HKEY_USERS",
  HKEY_CURRENT_CONFIG: "HKEY_CURRENT_CONFIG",
  HKCC: "HKEY_CURRENT_CONFIG",
};

/** The STIX 2.1 windows-registry-datatype-enum. */
const REGISTRY_DATA_TYPES = new Set([
  "REG_NONE",
  "REG_SZ",
  "REG_EXPAND_SZ",
  "REG_BINARY",
  "REG_DWORD",
  "REG_DWORD_BIG_ENDIAN",
  "REG_DWORD_LITTLE_ENDIAN",
  "REG_LINK",
  "REG_MULTI_SZ",
  "REG_RESOURCE_LIST",
  "REG_FULL_RESOURCE_DESCRIPTION",
  "REG_RESOURCE_REQUIREMENTS_LIST",
  "REG_QWORD",
  "REG_INVALID_TYPE",
]);

/** The text trimmed, or undefined when it is absent or blank: a blank optional field counts as missing. */
export function nonBlank(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** ThreatConnect offers REG_QWORD_LITTLE_ENDIAN, which STIX lacks; a QWORD is little-endian by definition. */
const REGISTRY_DATA_TYPE_ALIASES: Record<string, string> = { REG_QWORD_LITTLE_ENDIAN: "REG_QWORD" };

function registryKeyObservable(indicator: MappableIndicator): ObservableResult {
  const summaryParts = indicator.summary?.split(" : ").map((part) => part.trim()) ?? [];
  const keyName = (indicator["Key Name"] ?? summaryParts[0])?.trim();
  if (!keyName) return fail("Key Name", "is missing or empty");
  const valueName = nonBlank(indicator["Value Name"] ?? (indicator["Key Name"] ? undefined : summaryParts[1]));
  const rawType = nonBlank(indicator["Value Type"] ?? (indicator["Key Name"] ? undefined : summaryParts[2]));

  const separator = /[\\/]/.exec(keyName);
  const hiveText = separator ? keyName.slice(0, separator.index) : keyName;
  const hive = HIVES[hiveText.toUpperCase()];
  if (!hive) {
    return fail(
      "Key Name",
      `'${keyName}' starts with unknown hive '${hiveText}' (expected HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_USERS, HKEY_CURRENT_CONFIG or their abbreviations)`,
    );
  }
  const key = separator ? `${hive}${keyName.slice(separator.index)}` : hive;

  let dataType: string | undefined;
  if (rawType !== undefined) {
    const upper = rawType.toUpperCase();
    dataType = REGISTRY_DATA_TYPE_ALIASES[upper] ?? upper;
    if (!REGISTRY_DATA_TYPES.has(dataType))
      return fail("Value Type", `'${rawType}' is not a Windows registry data type`);
  }

  const comparisons = [comparison("windows-registry-key:key", key)];
  if (valueName !== undefined) comparisons.push(comparison("windows-registry-key:values[*].name", valueName));
  if (dataType !== undefined) comparisons.push(comparison("windows-registry-key:values[*].data_type", dataType));
  // Registry key and value names are case-insensitive on Windows, so only the dedupe form is lower-cased.
  const normalizedValue = [key.toLowerCase(), valueName?.toLowerCase() ?? "", dataType ?? ""].join(" : ");
  const summary = [keyName, valueName, rawType].filter((part) => part !== undefined).join(" : ");
  return {
    ok: true,
    observable: { type: "Registry Key", normalizedValue, pattern: `[${comparisons.join(" AND ")}]`, summary },
  };
}

const OBSERVABLE_BUILDERS: Record<IndicatorType, (indicator: MappableIndicator) => ObservableResult> = {
  Address: addressObservable,
  ASN: asnObservable,
  CIDR: cidrObservable,
  EmailAddress: emailAddressObservable,
  "Email Subject": emailSubjectObservable,
  File: fileObservable,
  Host: hostObservable,
  "Registry Key": registryKeyObservable,
  URL: urlObservable,
};

export function observableFor(indicator: MappableIndicator): ObservableResult {
  if (!isIndicatorType(indicator.type))
    return fail("type", `'${indicator.type}' is not one of the nine mapped indicator types`);
  return OBSERVABLE_BUILDERS[indicator.type](indicator);
}

export function dedupeKeyOf(observable: Observable): string {
  return `${observable.type}:${observable.normalizedValue}`;
}

/** "<type>:<normalized value>", the identity shared by the STIX id and query-order dedupe. */
export function dedupeKey(
  indicator: MappableIndicator,
): { ok: true; key: string } | { ok: false; error: MappingError } {
  const result = observableFor(indicator);
  return result.ok ? { ok: true, key: dedupeKeyOf(result.observable) } : result;
}
