import type { EmulatedType, IndicatorValues } from "./model";

const HASH_FIELDS: Record<number, "md5" | "sha1" | "sha256"> = {
  32: "md5",
  40: "sha1",
  64: "sha256",
};
const REGISTRY_VALUE_TYPES = new Set([
  "REG_NONE",
  "REG_BINARY",
  "REG_DWORD",
  "REG_DWORD_LITTLE_ENDIAN",
  "REG_DWORD_BIG_ENDIAN",
  "REG_EXPAND_SZ",
  "REG_LINK",
  "REG_MULTI_SZ",
  "REG_QWORD",
  "REG_QWORD_LITTLE_ENDIAN",
  "REG_SZ",
]);

export class InvalidIndicatorError extends Error {}

/**
 * Splits a ThreatConnect summary into the type's value fields. Multi-value types join their parts with " : "
 * (File: md5 : sha1 : sha256; Registry Key: key : value name : value type), as ThreatConnect's summaries do.
 */
export function valuesFromSummary(type: EmulatedType, summary: string): IndicatorValues {
  if (summary.trim() === "") throw new InvalidIndicatorError("summary must not be empty");
  switch (type) {
    case "Address":
      if (!/^[0-9a-fA-F:.]+$/.test(summary))
        throw new InvalidIndicatorError(`"${summary}" is not an IPv4 or IPv6 address`);
      return { ip: summary };
    case "CIDR":
      if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(summary))
        throw new InvalidIndicatorError(`"${summary}" is not a CIDR block`);
      return { Block: summary };
    case "Host":
      return {
        hostName: summary.toLowerCase(),
        dnsActive: false,
        whoisActive: false,
      };
    case "URL":
      return { text: summary };
    case "EmailAddress":
      if (!summary.includes("@")) throw new InvalidIndicatorError(`"${summary}" is not an email address`);
      return { address: summary };
    case "ASN":
      if (!/^ASN\d+$/.test(summary)) throw new InvalidIndicatorError(`"${summary}" must be ASN followed by digits`);
      return { "AS Number": summary };
    case "Email Subject":
      return { Subject: summary };
    case "File": {
      const values: IndicatorValues = {};
      for (const hash of summary.split(" : ")) {
        const field = /^[0-9a-fA-F]+$/.test(hash) ? HASH_FIELDS[hash.length] : undefined;
        if (!field || values[field]) {
          throw new InvalidIndicatorError(`"${hash}" is not an MD5, SHA1 or SHA256 hash (or repeats one)`);
        }
        values[field] = hash;
      }
      return values;
    }
    case "Hashtag":
      return { Hashtag: summary.startsWith("#") ? summary : `#${summary}` };
    case "Mutex":
      return { Mutex: summary };
    case "User Agent":
      return { "User Agent String": summary };
    case "Registry Key": {
      const [keyName, valueName, valueType, ...extra] = summary.split(" : ");
      if (!keyName?.startsWith("HKEY_") || extra.length > 0) {
        throw new InvalidIndicatorError(`"${summary}" must be "HKEY_... : value name : value type"`);
      }
      if (valueType !== undefined && !REGISTRY_VALUE_TYPES.has(valueType)) {
        throw new InvalidIndicatorError(`"${valueType}" is not a registry value type such as REG_SZ`);
      }
      return {
        "Key Name": keyName,
        "Value Name": valueName ?? "",
        "Value Type": valueType ?? "REG_NONE",
      };
    }
  }
}

/** ThreatConnect orders File hashes md5, sha1, sha256 in the summary regardless of input order. */
export function canonicalSummary(type: EmulatedType, values: IndicatorValues, summary: string): string {
  if (type === "Hashtag") return values.Hashtag ?? summary;
  if (type !== "File") return type === "Host" ? (values.hostName ?? summary) : summary;
  return [values.md5, values.sha1, values.sha256].filter((hash) => hash !== undefined).join(" : ");
}
