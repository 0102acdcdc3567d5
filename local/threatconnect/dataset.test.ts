import { describe, expect, it } from "vitest";
import { generateDataset } from "./dataset";
import { EMULATED_TYPES, OWNERS } from "./model";
import { valuesFromSummary } from "./values";

const ANCHOR = Date.parse("2026-03-10T12:00:00Z") / 1000;

describe("generateDataset", () => {
  const { indicators } = generateDataset(5000, 1, ANCHOR);

  it("is deterministic for a seed and differs across seeds", () => {
    expect(generateDataset(5000, 1, ANCHOR).indicators).toEqual(indicators);
    expect(generateDataset(50, 2, ANCHOR).indicators.map((i) => i.summary)).not.toEqual(
      indicators.slice(0, 50).map((i) => i.summary),
    );
  });

  it("covers every type, including real ones the product does not map, in realistic proportions and every owner", () => {
    const byType = new Map<string, number>();
    for (const indicator of indicators) byType.set(indicator.type, (byType.get(indicator.type) ?? 0) + 1);
    expect([...byType.keys()].sort()).toEqual([...EMULATED_TYPES].sort());
    expect(byType.get("Mutex")).toBeLessThan(byType.get("ASN") ?? 0);
    const mutex = indicators.find((indicator) => indicator.type === "Mutex");
    expect(mutex?.values.Mutex).toBe(mutex?.summary);
    expect(generateDataset(300, 7, ANCHOR).indicators.some((indicator) => indicator.type === "Hashtag")).toBe(true);
    expect(byType.get("Address")).toBeGreaterThan(byType.get("ASN") ?? 0);
    expect(new Set(indicators.map((i) => i.owner.name))).toEqual(new Set(OWNERS.map((o) => o.name)));
    expect(indicators.some((i) => i.type === "Address" && i.summary.includes(":"))).toBe(true);
    expect(indicators.some((i) => i.type === "CIDR" && i.summary.includes(":"))).toBe(true);
  });

  it("puts the same value in several owners, with distinct ids and unique (owner, value) pairs", () => {
    const owners = new Map<string, Set<string>>();
    for (const indicator of indicators) {
      const key = `${indicator.type}|${indicator.summary}`;
      owners.set(key, (owners.get(key) ?? new Set()).add(indicator.owner.name));
    }
    expect([...owners.values()].filter((set) => set.size > 1).length).toBeGreaterThan(100);
    expect(new Set(indicators.map((i) => i.id)).size).toBe(indicators.length);
    expect(new Set(indicators.map((i) => `${i.owner.id}|${i.type}|${i.summary}`)).size).toBe(indicators.length);
  });

  it("includes the hard cases: big ids, quotes and backslashes, unicode, uppercase hashes, 1-3 hashes", () => {
    expect(indicators.some((i) => BigInt(i.id) > 2n ** 53n)).toBe(true);
    expect(indicators.some((i) => i.type === "URL" && i.summary.includes('"') && i.summary.includes("\\"))).toBe(true);
    expect(indicators.some((i) => i.type === "Registry Key" && i.values["Value Name"]?.includes('"'))).toBe(true);
    expect(indicators.some((i) => i.type === "Email Subject" && /\P{ASCII}/u.test(i.summary))).toBe(true);
    const files = indicators.filter((i) => i.type === "File");
    expect(files.every((i) => i.summary === i.summary.toUpperCase())).toBe(true);
    expect(new Set(files.map((i) => i.summary.split(" : ").length))).toEqual(new Set([1, 2, 3]));
  });

  it("spreads dates over months and fills tags, attributes, groups and scores", () => {
    const added = indicators.map((i) => i.dateAdded);
    expect(Math.max(...added) - Math.min(...added)).toBeGreaterThan(150 * 86_400);
    expect(indicators.every((i) => i.lastModified >= i.dateAdded && i.lastModified <= ANCHOR)).toBe(true);
    const attributeTypes = new Set(indicators.flatMap((i) => i.attributes.map((a) => a.type)));
    expect(attributeTypes).toEqual(new Set(["Description", "Phase of Intrusion", "First Seen", "Last Seen"]));
    expect(indicators.some((i) => i.groups.length > 0 && i.tags.length > 0)).toBe(true);
    expect(indicators.some((i) => !i.active)).toBe(true);
  });
});

describe("valuesFromSummary", () => {
  it("splits multi-value summaries into ThreatConnect's fields", () => {
    expect(valuesFromSummary("File", `${"A".repeat(64)} : ${"b".repeat(32)}`)).toEqual({
      sha256: "A".repeat(64),
      md5: "b".repeat(32),
    });
    expect(valuesFromSummary("Registry Key", "HKEY_CURRENT_USER\\Run : x.exe : REG_SZ")).toEqual({
      "Key Name": "HKEY_CURRENT_USER\\Run",
      "Value Name": "x.exe",
      "Value Type": "REG_SZ",
    });
  });

  it.each([
    ["File", "1234", /is not an MD5, SHA1 or SHA256 hash/],
    ["ASN", "AS123", /must be ASN followed by digits/],
    ["Registry Key", "SOFTWARE\\x", /must be "HKEY_/],
    ["Registry Key", "HKEY_X : v : REG_FOO", /not a registry value type/],
    ["Address", "not an ip", /is not an IPv4 or IPv6 address/],
    ["EmailAddress", "nobody", /is not an email address/],
    ["Host", "  ", /summary must not be empty/],
  ] as const)("%s %s is rejected", (type, summary, message) => {
    expect(() => valuesFromSummary(type, summary)).toThrow(message);
  });
});
