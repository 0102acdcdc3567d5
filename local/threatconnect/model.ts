/**
 * ThreatConnect's indicator types (`typeName`, spelled as its API spells them), kept here rather than taken from the
 * product: the emulator must be able to hold types the product does not send to Sentinel (Hashtag, Mutex, User Agent).
 */
export const EMULATED_TYPES = [
  "Address",
  "ASN",
  "CIDR",
  "EmailAddress",
  "Email Subject",
  "File",
  "Host",
  "Registry Key",
  "URL",
  "Hashtag",
  "Mutex",
  "User Agent",
] as const;
export type EmulatedType = (typeof EMULATED_TYPES)[number];

export function isEmulatedType(value: string): value is EmulatedType {
  return (EMULATED_TYPES as readonly string[]).includes(value);
}

export type EmulatedOwner = {
  id: number;
  name: string;
  type: "Organization" | "Community" | "Source";
};

/** A tuple, so code that names a particular demo owner gets it without an undefined check. */
export const OWNERS: readonly [EmulatedOwner, EmulatedOwner, EmulatedOwner] = [
  { id: 1, name: "Demo Organization", type: "Organization" },
  { id: 2, name: "Demo Source", type: "Source" },
  { id: 3, name: "Demo Community", type: "Community" },
];

export type EmulatedTag = { id: number; name: string; techniqueId?: string };
export type EmulatedGroup = {
  id: number;
  ownerId: number;
  type: string;
  name: string;
  dateAdded: number;
  /** Created by ThreatConnect itself (e.g. CAL), so its `createdBy` names no user id, as the docs show. */
  systemCreated: boolean;
};
export type EmulatedLabel = {
  id: number;
  name: string;
  description: string;
  color: string;
};
/**
 * A numeric `value` is an epoch-seconds date written out as ISO text, and a missing `dateAdded` means the indicator's:
 * both let a million generated indicators share attribute objects instead of allocating strings for each.
 */
export type EmulatedAttribute = {
  type: string;
  value: string | number;
  dateAdded?: number;
};

/** Type-specific value fields under ThreatConnect's own JSON keys (several contain spaces). */
export type IndicatorValues = Partial<
  Record<
    | "ip"
    | "hostName"
    | "md5"
    | "sha1"
    | "sha256"
    | "text"
    | "address"
    | "AS Number"
    | "Block"
    | "Subject"
    | "Key Name"
    | "Value Name"
    | "Value Type"
    | "Hashtag"
    | "Mutex"
    | "User Agent String",
    string
  >
> & { size?: number; dnsActive?: boolean; whoisActive?: boolean };

/**
 * Kept compact (dates in epoch seconds, shared tag/group/label objects) so a million indicators fit in memory;
 * the full v3 JSON is only built for the page being served.
 */
export type EmulatedIndicator = {
  id: string;
  owner: EmulatedOwner;
  type: EmulatedType;
  summary: string;
  values: IndicatorValues;
  rating?: number;
  confidence?: number;
  threatAssessScore: number;
  dateAdded: number;
  lastModified: number;
  active: boolean;
  tags: EmulatedTag[];
  attributes: EmulatedAttribute[];
  attributeIdBase: number;
  groups: EmulatedGroup[];
  securityLabels: EmulatedLabel[];
};

export const TAGS: readonly EmulatedTag[] = [
  { id: 11, name: "Targeted Attack" },
  { id: 475, name: "Phishing", techniqueId: "T1566" },
  { id: 9, name: "Ransomware" },
  { id: 12, name: "Botnet" },
  { id: 13, name: "C2" },
  { id: 14, name: "APT28" },
  { id: 15, name: "Emotet" },
  { id: 16, name: "Cobalt Strike" },
  { id: 17, name: "Credential Harvesting" },
  { id: 18, name: "TOR Exit Node" },
  { id: 19, name: "Scanning" },
  { id: 476, name: "Command and Scripting Interpreter", techniqueId: "T1059" },
];

export const SECURITY_LABELS: readonly EmulatedLabel[] = [
  {
    id: 1,
    name: "TLP:WHITE",
    description: "Disclosure is not limited.",
    color: "FFFFFF",
  },
  {
    id: 2,
    name: "TLP:GREEN",
    description: "Limited disclosure, restricted to the community.",
    color: "33FF00",
  },
  {
    id: 3,
    name: "TLP:AMBER",
    description: "Limited disclosure, restricted to participants' organizations.",
    color: "FFC000",
  },
  {
    id: 4,
    name: "TLP:RED",
    description: "Not for disclosure, restricted to participants only.",
    color: "FF0033",
  },
];

export const PHASES_OF_INTRUSION = [
  "Reconnaissance",
  "Weaponization",
  "Delivery",
  "Exploitation",
  "Installation",
  "C2",
  "Actions on Objectives",
] as const;

/** The `createdBy` of system-created groups and attributes: no `id` and no `userName`. */
export const SYSTEM_CREATED_BY = {
  firstName: "ThreatConnect",
  lastName: "Intelligence",
  pseudonym: "CAL",
  owner: "System",
};

/** Attribute types ThreatConnect maintains itself rather than a user. */
export const SYSTEM_ATTRIBUTE_TYPES: ReadonlySet<string> = new Set(["First Seen", "Last Seen"]);

export const CREATED_BY = {
  id: 3,
  userName: "11112222333344445555",
  firstName: "John",
  lastName: "Smith",
  pseudonym: "jsmithAPI",
  owner: "Demo Organization",
};
