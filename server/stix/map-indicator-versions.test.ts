import { describe, expect, it } from "vitest";
import { stixContentHash } from "./content-hash";
import { MAX_DESCRIPTION_LENGTH } from "./description";
import {
  DEFAULT_TTL_HOURS,
  mapIndicator,
  stixIdFor,
  type MappingSettings,
  type MappingVersion,
  type StixIndicator,
} from "./map-indicator";
import type { MappableIndicator } from "./mappable-indicator";

const SETTINGS: MappingSettings = {
  sourceName: "Source",
  ttlHours: { ...DEFAULT_TTL_HOURS },
  now: new Date("2024-01-01T00:00:00Z"),
};

function host(fields: Partial<MappableIndicator> = {}): MappableIndicator {
  return {
    id: "12345",
    type: "Host",
    ownerName: "ABC-Owner",
    dateAdded: "2023-09-13T14:51:34Z",
    lastModified: "2023-09-19T14:51:51Z",
    hostName: "bad.example",
    tags: { data: [{ name: "APT" }] },
    ...fields,
  };
}

function mapped(
  indicator: MappableIndicator,
  version?: MappingVersion,
  settings: MappingSettings = SETTINGS,
): StixIndicator {
  const result = mapIndicator(indicator, settings, version);
  if (!result.ok) throw new Error(`expected a mapping, got ${result.error.field}: ${result.error.message}`);
  return result.object;
}

function mappingError(indicator: MappableIndicator, version: MappingVersion) {
  const result = mapIndicator(indicator, SETTINGS, version);
  if (result.ok) throw new Error("expected a mapping error");
  return result.error;
}

describe("revocation generations", () => {
  it("keeps today's id for generation 0, given or not", () => {
    expect(mapped(host(), { revocationGeneration: 0 }).id).toBe(stixIdFor("Host:bad.example"));
    expect(mapped(host()).id).toBe(mapped(host(), { revocationGeneration: 0 }).id);
    expect(stixIdFor("Host:bad.example")).toBe("indicator--d6b5d96b-cb8c-5771-940c-0114212a6247");
  });

  it("gives each later generation its own deterministic id", () => {
    const ids = [0, 1, 2, 3].map((revocationGeneration) => mapped(host(), { revocationGeneration }).id);
    expect(new Set(ids).size).toBe(4);
    expect(mapped(host(), { revocationGeneration: 2 }).id).toBe(ids[2]);
    expect(ids[1]).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("never lets a later generation collide with another indicator's key", () => {
    const generationOne = mapped(host({ hostName: "bad.example" }), { revocationGeneration: 1 }).id;
    expect(generationOne).not.toBe(stixIdFor("Host:bad.example#1"));
    expect(generationOne).not.toBe(stixIdFor("Host:bad.example1"));
    expect(generationOne).not.toBe(mapped(host({ hostName: "other.example" }), { revocationGeneration: 1 }).id);
  });

  it.each([-1, 1.5, Number.NaN])("refuses generation %s as a mapping error", (revocationGeneration) => {
    expect(mappingError(host(), { revocationGeneration })).toEqual({
      field: "revocationGeneration",
      message: expect.stringContaining("whole number from 0 up"),
    });
  });
});

describe("modified and revoked", () => {
  it("uses the caller's modified and keeps the indicator's created", () => {
    const object = mapped(host(), { modified: new Date("2024-02-02T10:00:00.123Z") });
    expect(object.modified).toBe("2024-02-02T10:00:00.123Z");
    expect(object.created).toBe("2023-09-13T14:51:34.000Z");
  });

  it("refuses a modified earlier than created, or not a date", () => {
    expect(mappingError(host(), { modified: new Date("2020-01-01T00:00:00Z") })).toEqual({
      field: "modified",
      message: expect.stringContaining("earlier than created (2023-09-13T14:51:34.000Z)"),
    });
    expect(mappingError(host(), { modified: new Date(Number.NaN) })).toEqual({
      field: "modified",
      message: "is not a valid date",
    });
  });

  it("emits revoked: true only for the revoked version", () => {
    const revoked = mapped(host(), { revoked: true, modified: new Date("2024-03-01T00:00:00Z") });
    expect(revoked.revoked).toBe(true);
    expect(revoked.id).toBe(mapped(host()).id);
    expect("revoked" in mapped(host())).toBe(false);
    expect("revoked" in mapped(host(), { revoked: false })).toBe(false);
  });
});

describe("stixContentHash", () => {
  it("ignores what changes with the time of sending", () => {
    const first = mapped(host());
    const later = mapped(
      host(),
      { modified: new Date("2025-06-01T00:00:00Z") },
      { ...SETTINGS, now: new Date("2025-06-01T00:00:00Z") },
    );
    expect(later.valid_until).not.toBe(first.valid_until);
    expect(stixContentHash(later)).toBe(stixContentHash(first));
    expect(stixContentHash(first)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the hashes already stored in sent_state: the same bytes as before it was rewritten for speed", () => {
    const object = {
      ...mapped(host()),
      id: "indicator--0f6c5b8e-3a52-5a1c-9d6b-1f2e3d4c5b6a",
      created: "2024-01-02T03:04:05.000Z",
      name: "évil.example",
      pattern: "[domain-name:value = 'évil.example']",
      confidence: 80,
      labels: ["APT", "Zeta", "alpha"],
      kill_chain_phases: [{ phase_name: "delivery", kill_chain_name: "lockheed-martin-cyber-kill-chain" }],
      external_references: [{ source_name: "ThreatConnect", external_id: "12345", url: undefined }],
      description: '{"attributes":[]}',
      revoked: true,
      Zebra: "upper-case sorts first",
    } as StixIndicator;
    // Computed with the entries/sort/map/join implementation this replaced.
    expect(stixContentHash(object)).toBe("6a6d384beef18c86e80826c6ee598a79a0ada11a70062640c47c8ad5599f944b");
  });

  it("ignores property order", () => {
    const object = mapped(host());
    const reordered = Object.fromEntries(Object.entries(object).reverse()) as StixIndicator;
    expect(stixContentHash(reordered)).toBe(stixContentHash(object));
  });

  it.each<[string, MappableIndicator, MappingVersion]>([
    ["a new tag", host({ tags: { data: [{ name: "APT" }, { name: "New" }] } }), {}],
    ["a new confidence", host({ confidence: 80 }), {}],
    ["a revocation", host(), { revoked: true }],
    ["a new revocation generation", host(), { revocationGeneration: 1 }],
  ])("changes with %s", (_change, indicator, version) => {
    expect(stixContentHash(mapped(indicator, version))).not.toBe(stixContentHash(mapped(host())));
  });
});

describe("description bound", () => {
  const attribute = (index: number) => ({ type: "Description", value: `attribute ${index} ${"x".repeat(80)}` });
  const group = (index: number) => ({ id: String(9_000_000 + index), type: "Incident", name: `Group ${index}` });

  it("leaves a description within the bound exactly as the guide shapes it", () => {
    const description = JSON.parse(mapped(host({ attributes: { data: [attribute(1)] } })).description) as unknown;
    expect(description).toMatchObject({ attributes: [attribute(1)], associatedGroups: [] });
  });

  it("drops attributes from the end first and keeps the groups", () => {
    const object = mapped(
      host({
        attributes: { data: Array.from({ length: 30 }, (_, index) => attribute(index)) },
        associatedGroups: { data: [group(1)] },
      }),
    );
    expect(object.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    const description = JSON.parse(object.description) as { attributes: unknown[]; associatedGroups: unknown[] };
    expect(description.associatedGroups).toHaveLength(1);
    expect(description.attributes.length).toBeGreaterThan(0);
    expect(description.attributes).toEqual(
      Array.from({ length: description.attributes.length }, (_, index) => attribute(index)),
    );
  });

  it("drops groups only once no attribute is left", () => {
    const object = mapped(
      host({
        attributes: { data: Array.from({ length: 30 }, (_, index) => attribute(index)) },
        associatedGroups: { data: Array.from({ length: 60 }, (_, index) => group(index)) },
      }),
    );
    expect(object.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    const description = JSON.parse(object.description) as { attributes: unknown[]; associatedGroups: unknown[] };
    expect(description.attributes).toEqual([]);
    expect(description.associatedGroups.length).toBeGreaterThan(0);
    expect(description.associatedGroups[0]).toMatchObject({ name: "Group 0" });
  });

  it("shortens a summary too long on its own, counting JSON escapes, and stays parseable", () => {
    const url = `https://bad.example/${'"\\\n📎'.repeat(900)}`;
    const object = mapped({
      id: "1",
      type: "URL",
      ownerName: "ABC-Owner",
      dateAdded: "2023-09-13T14:51:34Z",
      text: url,
      webLink: `https://tc.example/${"w".repeat(1200)}`,
    });
    expect(object.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    const description = JSON.parse(object.description) as { summary: string; webLink: string; ownerName: string };
    expect(description.summary.endsWith("…")).toBe(true);
    expect(url.startsWith(description.summary.slice(0, -1))).toBe(true);
    expect(description.ownerName).toBe("ABC-Owner");
  });
});
