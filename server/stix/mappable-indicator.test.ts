import { describe, expect, expectTypeOf, it } from "vitest";
import type { ThreatConnectIndicator } from "../threatconnect/types";
import { DEFAULT_TTL_HOURS, mapIndicator } from "./map-indicator";
import { mappableIndicatorSchema, mappedFieldsOf, type MappableIndicator } from "./mappable-indicator";

describe("MappableIndicator", () => {
  it("accepts the ThreatConnect client's indicator type as is", () => {
    expectTypeOf<ThreatConnectIndicator>().toExtend<MappableIndicator>();
  });

  it("validates untrusted JSON and keeps unknown keys", () => {
    const parsed = mappableIndicatorSchema.parse({
      id: "9007199254918487",
      type: "Host",
      ownerName: "O",
      dateAdded: "2024-01-01T00:00:00Z",
      hostName: "a.example",
      privateFlag: false,
      attributes: {},
    });
    expect(parsed).toMatchObject({ id: "9007199254918487", privateFlag: false, attributes: {} });
  });

  it("rejects a numeric id, which would already have lost precision", () => {
    const result = mappableIndicatorSchema.safeParse({
      id: Number("9007199254918487"),
      type: "Host",
      ownerName: "O",
      dateAdded: "x",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["id"]);
  });
});

/** An indicator as the ThreatConnect client returns it: every field the mapping reads and many it does not. */
function fullIndicator(fields: Record<string, unknown>): MappableIndicator {
  const createdBy = { id: "3", owner: "Demo Organization", firstName: "John", pseudonym: "jsmithAPI" };
  return mappableIndicatorSchema.parse({
    id: "9007199254918487",
    ownerId: "1",
    ownerName: "Demo Organization",
    dateAdded: "2026-06-05T08:18:31Z",
    lastModified: "2026-07-04T20:06:01Z",
    webLink: "https://tc.example/#/details/indicators/9007199254918487/overview",
    rating: 4,
    confidence: 78,
    threatAssessScore: 664,
    threatAssessRating: 4,
    privateFlag: false,
    active: true,
    description: "shown in ThreatConnect only",
    tags: { data: [{ id: "14", name: "APT28", lastUsed: "2026-07-04T20:06:01Z", techniqueId: "T1566" }] },
    attributes: {
      data: [
        { id: "1", type: "Phase of Intrusion", value: "Delivery", pinned: false, default: true, createdBy },
        { id: "2", type: "First Seen", value: "2026-05-10T08:18:31Z", pinned: false, default: false, createdBy },
      ],
    },
    associatedGroups: {
      data: [
        { id: "105", type: "Threat", name: "Threat F", ownerName: "Demo Community", webLink: "x", createdBy },
        { id: "106", type: "Incident", name: "Incident G", upVoteCount: "0" },
      ],
    },
    ...fields,
  });
}

const OBSERVABLE_FIELDS: Record<string, unknown>[] = [
  { type: "Address", summary: "198.51.100.7", ip: "198.51.100.7" },
  { type: "Host", summary: "a.example", hostName: "a.example", dnsActive: true },
  { type: "File", summary: "44D88612FEA8A8F36DE82E1278ABB02F", md5: "44D88612FEA8A8F36DE82E1278ABB02F", size: 68 },
  { type: "URL", summary: "https://a.example/x", text: "https://a.example/x" },
  { type: "EmailAddress", summary: "a@example.com", address: "a@example.com" },
  { type: "ASN", summary: "ASN64500", "AS Number": "ASN64500" },
  { type: "CIDR", summary: "198.51.100.0/24", Block: "198.51.100.0/24" },
  { type: "EmailSubject", summary: "Invoice", Subject: "Invoice" },
  {
    type: "Registry Key",
    summary: "HKEY_LOCAL_MACHINE\\Run : Updater : REG_SZ",
    "Key Name": "HKEY_LOCAL_MACHINE\\Run",
    "Value Name": "Updater",
    "Value Type": "REG_SZ",
  },
  { type: "Host", summary: null, hostName: null, tags: null, attributes: {}, associatedGroups: { data: null } },
  { type: "Address", summary: "198.51.100.256", ip: "198.51.100.256" },
];

describe("mappedFieldsOf", () => {
  const settings = { sourceName: "S", ttlHours: { ...DEFAULT_TTL_HOURS }, now: new Date("2026-07-05T00:00:00Z") };

  it.each(OBSERVABLE_FIELDS)("maps, through JSON as staged, exactly as the whole indicator does: %o", (fields) => {
    const indicator = fullIndicator(fields);
    const staged = JSON.parse(JSON.stringify(mappedFieldsOf(indicator))) as MappableIndicator;
    expect(mapIndicator(staged, settings)).toEqual(mapIndicator(indicator, settings));
  });

  it("keeps only the keys the mapping reads, in the collections too", () => {
    const staged = mappedFieldsOf(fullIndicator({ type: "Host", summary: "a.example", hostName: "a.example" }));
    expect(Object.keys(staged)).not.toContain("privateFlag");
    expect(Object.keys(staged)).not.toContain("description");
    expect(staged.tags?.data).toEqual([{ name: "APT28" }]);
    expect(staged.attributes?.data?.[0]).toEqual({ type: "Phase of Intrusion", value: "Delivery" });
    expect(staged.associatedGroups?.data).toEqual([
      { id: "105", type: "Threat", name: "Threat F", ownerName: "Demo Community" },
      { id: "106", type: "Incident", name: "Incident G" },
    ]);
  });

  it("keeps every key the schema validates", () => {
    const everyKey = Object.fromEntries(Object.keys(mappableIndicatorSchema.shape).map((key) => [key, { data: [] }]));
    expect(Object.keys(mappedFieldsOf(everyKey as unknown as MappableIndicator)).sort()).toEqual(
      Object.keys(mappableIndicatorSchema.shape).sort(),
    );
  });
});
