import {
  OWNERS,
  PHASES_OF_INTRUSION,
  SECURITY_LABELS,
  TAGS,
  type EmulatedAttribute,
  type EmulatedGroup,
  type EmulatedIndicator,
  type EmulatedOwner,
  type EmulatedType,
} from "./model";
import { createRandom, type Random } from "./random";
import { canonicalSummary, valuesFromSummary } from "./values";

/** Items with their percent chance; never empty, so a pick always has an answer. */
type Weights<T> = readonly [readonly [T, number], ...(readonly [T, number])[]];

/** Percent of each type, close to what a mature ThreatConnect instance holds. */
/**
 * Real ThreatConnect types the product does not send to Sentinel. One indicator in 100 is one of these, placed after
 * the random draws so the rest of a seeded dataset is unchanged by them.
 */
const UNMAPPED_TYPES = ["Mutex", "Hashtag", "User Agent"] as const;
const UNMAPPED_EVERY = 100;
const UNMAPPED_OFFSET = 5;

const TYPE_WEIGHTS: Weights<EmulatedType> = [
  ["Address", 25],
  ["Host", 20],
  ["URL", 15],
  ["File", 15],
  ["EmailAddress", 7],
  ["CIDR", 5],
  ["Email Subject", 5],
  ["ASN", 4],
  ["Registry Key", 4],
];
const OWNER_WEIGHTS: Weights<EmulatedOwner> = [
  [OWNERS[0], 50],
  [OWNERS[2], 30],
  [OWNERS[1], 20],
];
const DAY = 86_400;
const FIRST_ID = 1000;
const BIG_ID_BASE = 2n ** 53n + 1n;
export const FIRST_ATTRIBUTE_ID = 1_234_567_890_123_456;
const TLDS = ["com", "net", "org", "ru", "cn", "info", "xyz", "top", "io"];
const WORDS = ["update", "secure", "login", "cdn", "mail", "portal", "invoice", "drive", "account", "verify"];
const SUBJECTS = [
  (n: number) => `Your invoice #${n} is overdue`,
  (n: number) => `Re: "Urgent" wire transfer ${n}`,
  (n: number) => `Счёт на оплату №${n}`,
  (n: number) => `请查收发票 ${n}`,
  (n: number) => `Rechnung für Bestellung ${n} 📎`,
  (n: number) => `Password expiry notice – action required (${n})`,
];
const REGISTRY_ROOTS = [
  "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
  "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
  "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services",
];
const REGISTRY_TYPES = ["REG_SZ", "REG_DWORD", "REG_EXPAND_SZ", "REG_BINARY", "REG_MULTI_SZ"];
const GROUP_TYPES = ["Adversary", "Campaign", "Incident", "Intrusion Set", "Malware", "Threat"] as const;
const DESCRIPTIONS = [
  "C2 node observed in phishing campaign",
  "Seen in sandbox detonation of a malicious attachment",
  "Reported by partner sharing community",
  "Scanner hitting VPN gateways",
  'Dropper writes "config.bin" to %APPDATA%\\Temp',
];

export type Dataset = {
  indicators: EmulatedIndicator[];
  groups: EmulatedGroup[];
  nextAttributeId: number;
};

function weighted<T>(random: Random, weights: Weights<T>): T {
  let roll = random.next() * 100;
  // Float rounding can leave the roll at or just above zero after the last weight; the last item takes it.
  let [[picked]] = weights;
  for (const [item, weight] of weights) {
    picked = item;
    roll -= weight;
    if (roll < 0) break;
  }
  return picked;
}

/** Cycles through a constant, non-empty list: the wrapped index always hits, `?? items[0]` only tells the checker so. */
function roundRobin<T>(items: readonly [T, ...T[]], index: number): T {
  return items[index % items.length] ?? items[0];
}

function indicatorId(index: number): string {
  // Every 40th id sits above 2^53, where a double would silently round it.
  return index % 40 === 7 ? (BIG_ID_BASE + BigInt(index) * 7n).toString() : String(FIRST_ID + index * 3);
}

function summaryFor(type: EmulatedType, index: number, random: Random): string {
  const word = random.pick(WORDS);
  const tld = random.pick(TLDS);
  switch (type) {
    case "Address":
      return random.chance(0.2)
        ? `2001:db8:${(index >>> 16).toString(16)}:${(index & 0xffff).toString(16)}::${random.int(1, 0xffff).toString(16)}`
        : `${random.int(1, 223)}.${(index >>> 16) & 255}.${(index >>> 8) & 255}.${index & 255}`;
    case "CIDR":
      return random.chance(0.2)
        ? `2001:db8:${index.toString(16)}:0:0:0:0:0/48`
        : `${random.int(11, 223)}.${(index >>> 8) & 255}.${index & 255}.0/${random.pick([16, 24, 28])}`;
    case "Host":
      return random.chance(0.05) ? `xn--${word}-${index}.${tld}` : `${word}-${index}.${random.pick(WORDS)}.${tld}`;
    case "URL":
      return random.chance(0.1)
        ? `http://${word}-${index}.${tld}/a"b\\c.php?q='${index}'&x=%22`
        : `https://${word}-${index}.${tld}/${random.pick(WORDS)}/${random.hex(8).toLowerCase()}.php`;
    case "EmailAddress":
      return `${random.pick(WORDS)}.${index}@${word}-mail.${tld}`;
    case "ASN":
      return `ASN${1000 + index}`;
    case "Email Subject":
      return random.pick(SUBJECTS)(index);
    case "File": {
      const hashes = [random.hex(32), random.hex(40), random.hex(64)].filter(() => random.chance(0.7));
      return (hashes.length > 0 ? hashes : [random.hex(64)]).join(" : ");
    }
    case "Mutex":
    case "Hashtag":
    case "User Agent":
      return unmappedSummary(type, index);
    case "Registry Key": {
      const valueName = random.chance(0.2) ? `"quoted\\name ${index}"` : `${word}${index}.exe`;
      return `${random.pick(REGISTRY_ROOTS)}\\${word}${index} : ${valueName} : ${random.pick(REGISTRY_TYPES)}`;
    }
  }
}

function unmappedSummary(type: (typeof UNMAPPED_TYPES)[number], index: number): string {
  switch (type) {
    case "Mutex":
      return `Global\\MTX_${index.toString(16).toUpperCase()}`;
    case "Hashtag":
      return `#campaign${index}`;
    case "User Agent":
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) BadBot/${index}`;
  }
}

/** Replaces every UNMAPPED_EVERY-th indicator with an unmapped type, keeping its id, owner, dates and context. */
function withUnmappedTypes(indicators: EmulatedIndicator[]): void {
  for (let index = UNMAPPED_OFFSET; index < indicators.length; index += UNMAPPED_EVERY) {
    const indicator = indicators[index];
    if (!indicator) continue;
    const type = roundRobin(UNMAPPED_TYPES, Math.floor(index / UNMAPPED_EVERY));
    const values = valuesFromSummary(type, unmappedSummary(type, index));
    indicator.type = type;
    indicator.values = values;
    indicator.summary = canonicalSummary(type, values, unmappedSummary(type, index));
  }
}

const SHARED_ATTRIBUTES = {
  descriptions: DESCRIPTIONS.map((value): EmulatedAttribute => ({
    type: "Description",
    value,
  })),
  phases: PHASES_OF_INTRUSION.map((value): EmulatedAttribute => ({
    type: "Phase of Intrusion",
    value,
  })),
};

function attributesFor(random: Random, dateAdded: number, lastModified: number): EmulatedAttribute[] {
  const attributes: EmulatedAttribute[] = [];
  if (random.chance(0.6)) attributes.push(random.pick(SHARED_ATTRIBUTES.descriptions));
  const phases = random.chance(0.5) ? (random.chance(0.2) ? 2 : 1) : 0;
  for (let phase = 0; phase < phases; phase++) attributes.push(random.pick(SHARED_ATTRIBUTES.phases));
  if (random.chance(0.7)) {
    attributes.push({
      type: "First Seen",
      value: dateAdded - random.int(0, 30) * DAY,
    });
    attributes.push({ type: "Last Seen", value: lastModified });
  }
  return attributes;
}

export function isoSeconds(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** Shared by every indicator without tags, groups or labels; the store replaces such arrays rather than mutating them. */
const NONE: never[] = [];

function pickSome<T>(random: Random, items: readonly T[], max: number): T[] {
  const count = random.int(0, max);
  if (count === 0) return NONE;
  const picked: T[] = [];
  for (let i = 0; i < count; i++) {
    const item = random.pick(items);
    if (!picked.includes(item)) picked.push(item);
  }
  return picked;
}

/**
 * Deterministic for a given (count, seed, anchor): dates are spread over the 180 days before `anchorSeconds`, and one
 * indicator in ten re-uses an earlier value in a different owner, as shared community intel does.
 */
export function generateDataset(count: number, seed: number, anchorSeconds: number): Dataset {
  const random = createRandom(seed);
  const groups: EmulatedGroup[] = Array.from({ length: 24 }, (_, index) => ({
    id: 100 + index,
    ownerId: roundRobin(OWNERS, index).id,
    type: roundRobin(GROUP_TYPES, index),
    name: `${roundRobin(GROUP_TYPES, index)} ${String.fromCharCode(65 + index)}`,
    dateAdded: anchorSeconds - 200 * DAY + index * DAY,
    systemCreated: index % 4 === 3,
  }));
  const indicators: EmulatedIndicator[] = new Array<EmulatedIndicator>(count);
  let nextAttributeId = FIRST_ATTRIBUTE_ID;
  // ThreatConnect holds a value at most once per owner; copies into other owners must respect that.
  const taken = new Set<string>();
  for (let index = 0; index < count; index++) {
    let owner = weighted(random, OWNER_WEIGHTS);
    let type = weighted(random, TYPE_WEIGHTS);
    let summary = summaryFor(type, index, random);
    const original = index > 10 && random.chance(0.1) ? indicators[random.int(0, index - 1)] : undefined;
    const copyOwner = original
      ? [owner, ...OWNERS].find((candidate) => !taken.has(`${candidate.id}|${original.type}|${original.summary}`))
      : undefined;
    if (original && copyOwner) {
      owner = copyOwner;
      type = original.type;
      summary = original.summary;
    }
    const values = valuesFromSummary(type, summary);
    if (type === "File") values.size = random.int(1024, 5_000_000);
    if (type === "Host") {
      values.dnsActive = random.chance(0.5);
      values.whoisActive = random.chance(0.3);
    }
    const dateAdded = anchorSeconds - random.int(DAY, 180 * DAY);
    const lastModified = Math.min(anchorSeconds, dateAdded + random.int(0, 120 * DAY));
    const attributes = attributesFor(random, dateAdded, lastModified);
    const indicator: EmulatedIndicator = {
      id: indicatorId(index),
      owner,
      type,
      summary: canonicalSummary(type, values, summary),
      values,
      rating: random.chance(0.9) ? random.int(0, 5) : undefined,
      confidence: random.chance(0.9) ? random.int(0, 100) : undefined,
      threatAssessScore: random.int(0, 1000),
      dateAdded,
      lastModified,
      active: random.chance(0.97),
      tags: pickSome(random, TAGS, 3),
      attributes,
      attributeIdBase: nextAttributeId,
      groups: pickSome(random, groups, 2),
      securityLabels: pickSome(random, SECURITY_LABELS, 1),
    };
    indicators[index] = indicator;
    taken.add(`${owner.id}|${type}|${indicator.summary}`);
    nextAttributeId += Math.max(attributes.length, 1);
  }
  withUnmappedTypes(indicators);
  return { indicators, groups, nextAttributeId };
}
