import { describe, expect, it } from "vitest";
import type { MappableIndicator } from "./mappable-indicator";
import {
  DEFAULT_TTL_HOURS,
  mapIndicator,
  mapIndicators,
  sourceSystemFor,
  stixIdFor,
  type MappingSettings,
  type StixIndicator,
} from "./map-indicator";
import { dedupeKey } from "./observable";
import { parseStixPattern, validateStixPattern } from "./pattern-grammar";

const NOW = new Date("2024-01-01T00:00:00Z");
const SETTINGS: MappingSettings = { sourceName: "Sentinel-Source-Name", ttlHours: { ...DEFAULT_TTL_HOURS }, now: NOW };
const WEB_LINK = "https://companyabc.threatconnect.com/#/details/indicators/12345/overview";
const GUIDE_ATTRIBUTES = [
  { type: "Last Seen", value: "2023-09-19T14:51:51Z" },
  { type: "First Seen", value: "2023-09-13T14:51:34Z" },
  { type: "Phase of Intrusion", value: "Delivery" },
  { type: "Phase of Intrusion", value: "Reconnaissance" },
];

/** The fields every table in the guide shares; each golden test adds its type's value fields. */
function guideIndicator(fields: Partial<MappableIndicator> & Pick<MappableIndicator, "type">): MappableIndicator {
  return {
    id: "12345",
    ownerName: "ABC-Owner",
    dateAdded: "2023-09-13T14:51:34Z",
    lastModified: "2023-09-19T14:51:51Z",
    webLink: WEB_LINK,
    rating: 4,
    confidence: 45,
    threatAssessScore: 548,
    tags: { data: [{ name: "APT" }, { name: "Phishing" }] },
    attributes: { data: GUIDE_ATTRIBUTES },
    associatedGroups: { data: [] },
    ...fields,
  };
}

function mapped(indicator: MappableIndicator, settings: MappingSettings = SETTINGS): StixIndicator {
  const result = mapIndicator(indicator, settings);
  if (!result.ok) throw new Error(`expected a mapping, got ${result.error.field}: ${result.error.message}`);
  expect(validateStixPattern(result.object.pattern)).toEqual({ ok: true });
  return result.object;
}

function mappingError(indicator: MappableIndicator, settings: MappingSettings = SETTINGS) {
  const result = mapIndicator(indicator, settings);
  if (result.ok) throw new Error(`expected a mapping error, got pattern ${result.object.pattern}`);
  return result.error;
}

/** The full object the guide's tables describe, given what differs per type. */
function expectedObject(expected: {
  dedupeKey: string;
  pattern: string;
  summary: string;
  type: string;
}): StixIndicator {
  return {
    type: "indicator",
    spec_version: "2.1",
    id: stixIdFor(expected.dedupeKey),
    created: "2023-09-13T14:51:34.000Z",
    modified: "2023-09-19T14:51:51.000Z",
    name: `${expected.summary} | ABC-Owner`,
    description: JSON.stringify({
      type: expected.type,
      summary: expected.summary,
      confidence: 45,
      rating: 4,
      threatAssessScore: 548,
      ownerName: "ABC-Owner",
      associatedGroups: [],
      attributes: GUIDE_ATTRIBUTES,
      webLink: WEB_LINK,
    }),
    pattern: expected.pattern,
    pattern_type: "stix",
    pattern_version: "2.1",
    valid_from: "2024-01-01T00:00:00.000Z",
    valid_until: "2024-01-31T00:00:00.000Z",
    confidence: 45,
    labels: ["APT", "Phishing"],
    kill_chain_phases: [
      { kill_chain_name: "lockheed-martin-cyber-kill-chain", phase_name: "delivery" },
      { kill_chain_name: "lockheed-martin-cyber-kill-chain", phase_name: "reconnaissance" },
    ],
    external_references: [{ source_name: "ThreatConnect", external_id: "12345", url: WEB_LINK }],
  };
}

describe("golden mappings, one per table of the guide's Data Mappings", () => {
  it("Table 2, Address (IPv4)", () => {
    expect(mapped(guideIndicator({ type: "Address", summary: "123.45.67.89", ip: "123.45.67.89" }))).toEqual(
      expectedObject({
        type: "Address",
        summary: "123.45.67.89",
        dedupeKey: "Address:123.45.67.89",
        pattern: "[ipv4-addr:value = '123.45.67.89']",
      }),
    );
  });

  it("Table 2, Address (IPv6) keeps ThreatConnect's spelling in the name and sends the RFC 5952 form", () => {
    const summary = "2a03:b0c0:3:e0:0:0:341:6001";
    expect(mapped(guideIndicator({ type: "Address", summary, ip: summary }))).toEqual(
      expectedObject({
        type: "Address",
        summary,
        dedupeKey: "Address:2a03:b0c0:3:e0::341:6001",
        pattern: "[ipv6-addr:value = '2a03:b0c0:3:e0::341:6001']",
      }),
    );
  });

  it("Table 3, CIDR sends the network form of the block", () => {
    expect(mapped(guideIndicator({ type: "CIDR", summary: "123.45.67.89/24", Block: "123.45.67.89/24" }))).toEqual(
      expectedObject({
        type: "CIDR",
        summary: "123.45.67.89/24",
        dedupeKey: "CIDR:123.45.67.0/24",
        pattern: "[ipv4-addr:value = '123.45.67.0/24']",
      }),
    );
  });

  it("Table 3, CIDR (IPv6)", () => {
    const block = "2001:db8:0:0:0:0:0:0/32";
    expect(mapped(guideIndicator({ type: "CIDR", summary: block, Block: block })).pattern).toBe(
      "[ipv6-addr:value = '2001:db8::/32']",
    );
  });

  it("Table 4, Host", () => {
    expect(
      mapped(guideIndicator({ type: "Host", summary: "reallybadsite.com", hostName: "reallybadsite.com" })),
    ).toEqual(
      expectedObject({
        type: "Host",
        summary: "reallybadsite.com",
        dedupeKey: "Host:reallybadsite.com",
        pattern: "[domain-name:value = 'reallybadsite.com']",
      }),
    );
  });

  it("Table 5, File sends one comparison on the strongest hash, lower-cased", () => {
    const md5 = "912EC803B2CE49E4A541068D495AB570";
    const sha1 = "3DA541559918A808C2402BBA5012F6C60B27661C";
    const sha256 = "523463041EF9FFA2950D8450FEB34C88BC8692C40C9CF3C99DCDF75E270229E2";
    const summary = `${md5} : ${sha1} : ${sha256}`;
    expect(mapped(guideIndicator({ type: "File", summary, md5, sha1, sha256 }))).toEqual(
      expectedObject({
        type: "File",
        summary,
        dedupeKey: `File:${sha256.toLowerCase()}`,
        pattern: `[file:hashes.'SHA-256' = '${sha256.toLowerCase()}']`,
      }),
    );
    expect(mapped(guideIndicator({ type: "File", md5, sha1 })).pattern).toBe(
      `[file:hashes.'SHA-1' = '${sha1.toLowerCase()}']`,
    );
    expect(mapped(guideIndicator({ type: "File", md5 })).pattern).toBe(`[file:hashes.'MD5' = '${md5.toLowerCase()}']`);
  });

  it("Table 6, URL", () => {
    const url = "https://asdfgoogle.com/asdf";
    expect(mapped(guideIndicator({ type: "URL", summary: url, text: url }))).toEqual(
      expectedObject({ type: "URL", summary: url, dedupeKey: `URL:${url}`, pattern: `[url:value = '${url}']` }),
    );
  });

  it("Table 7, ASN maps to autonomous-system:name as the guide shows", () => {
    expect(mapped(guideIndicator({ type: "ASN", summary: "ASN001", "AS Number": "ASN001" }))).toEqual(
      expectedObject({
        type: "ASN",
        summary: "ASN001",
        dedupeKey: "ASN:ASN1",
        pattern: "[autonomous-system:name = 'ASN001']",
      }),
    );
  });

  it("Table 8, Email Address", () => {
    const address = "tester@testdomain.com";
    expect(mapped(guideIndicator({ type: "EmailAddress", summary: address, address }))).toEqual(
      expectedObject({
        type: "EmailAddress",
        summary: address,
        dedupeKey: `EmailAddress:${address}`,
        pattern: `[email-addr:value = '${address}']`,
      }),
    );
  });

  it("Table 9, Email Subject", () => {
    const subject = "Test Email Subject";
    expect(mapped(guideIndicator({ type: "Email Subject", summary: subject, Subject: subject }))).toEqual(
      expectedObject({
        type: "Email Subject",
        summary: subject,
        dedupeKey: `Email Subject:${subject}`,
        pattern: `[email-message:subject = '${subject}']`,
      }),
    );
  });

  it("Table 10, Registry Key with value name and type", () => {
    const summary = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Adobe : TEST_VALUE : REG_BINARY";
    const object = mapped(
      guideIndicator({
        type: "Registry Key",
        summary,
        "Key Name": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Adobe",
        "Value Name": "TEST_VALUE",
        "Value Type": "REG_BINARY",
      }),
    );
    expect(object).toEqual(
      expectedObject({
        type: "Registry Key",
        summary,
        dedupeKey: "Registry Key:hkey_local_machine\\software\\adobe : test_value : REG_BINARY",
        pattern:
          "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Adobe'" +
          " AND windows-registry-key:values[*].name = 'TEST_VALUE'" +
          " AND windows-registry-key:values[*].data_type = 'REG_BINARY']",
      }),
    );
    expect(JSON.parse(object.description)).toMatchObject({
      summary: "HKEY_LOCAL_MACHINE\\SOFTWARE\\Adobe : TEST_VALUE : REG_BINARY",
    });
  });

  it("Table 10, Registry Key alone, with an abbreviated hive expanded", () => {
    const object = mapped(guideIndicator({ type: "Registry Key", summary: "HKCU\\Run", "Key Name": "HKCU\\Run" }));
    expect(object.pattern).toBe("[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Run']");
    expect(object.name).toBe("HKCU\\Run | ABC-Owner");
  });
});

describe("request-level fields", () => {
  it("prefixes the source name with ThreatConnect-", () => {
    expect(sourceSystemFor("Sentinel-Source-Name")).toBe("ThreatConnect-Sentinel-Source-Name");
    expect(mapIndicators([], SETTINGS)).toEqual({
      sourcesystem: "ThreatConnect-Sentinel-Source-Name",
      stixobjects: [],
      errors: [],
    });
  });

  it("sets valid_until from the type's own TTL", () => {
    const settings = { ...SETTINGS, ttlHours: { ...DEFAULT_TTL_HOURS, Host: 24 } };
    const host = mapped(guideIndicator({ type: "Host", hostName: "a.example" }), settings);
    const url = mapped(guideIndicator({ type: "URL", text: "http://a.example/" }), settings);
    expect(host.valid_until).toBe("2024-01-02T00:00:00.000Z");
    expect(url.valid_until).toBe("2024-01-31T00:00:00.000Z");
  });
});

describe("escaping", () => {
  const awkward = [
    ["a single quote", "O'Brien's invoice"],
    ["a backslash", "C:\\temp\\evil"],
    ["a backslash before a quote", "ends with \\'"],
    ["unicode outside the BMP", "Rechnung 📎 für Sie — ünïcødé"],
    ["newlines and tabs", "line one\nline two\r\n\tindented"],
  ] as const;

  it.each(awkward)("round-trips %s through the STIX grammar", (_label, subject) => {
    const object = mapped(guideIndicator({ type: "Email Subject", Subject: subject }));
    const parsed = parseStixPattern(object.pattern);
    expect(parsed.ok && parsed.comparisons[0]?.literal).toEqual({ kind: "string", value: subject });
    expect(object.name).toBe(`${subject} | ABC-Owner`);
  });

  it("escapes registry keys so the pattern's literal decodes back to the key", () => {
    const key = "HKEY_LOCAL_MACHINE\\Software\\O'Brien";
    const object = mapped(guideIndicator({ type: "Registry Key", "Key Name": key }));
    expect(object.pattern).toBe("[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\O\\'Brien']");
    const parsed = parseStixPattern(object.pattern);
    expect(parsed.ok && parsed.comparisons[0]?.literal).toEqual({ kind: "string", value: key });
  });

  it("escapes quotes in URLs", () => {
    const object = mapped(guideIndicator({ type: "URL", text: "http://evil.example/?q='x'" }));
    expect(object.pattern).toBe("[url:value = 'http://evil.example/?q=\\'x\\'']");
  });
});

describe("big ids and missing optional fields", () => {
  it("keeps an id above 2^53 exactly, as a string", () => {
    const id = "9007199254918487123";
    const object = mapped(guideIndicator({ type: "Host", id, hostName: "a.example" }));
    expect(object.external_references[0]?.external_id).toBe(id);
  });

  it("omits what ThreatConnect did not send and keeps the description's shape with nulls", () => {
    const object = mapped({
      id: "7",
      type: "Host",
      ownerName: "Demo Source",
      dateAdded: "2022-03-11T19:25:43Z",
      hostName: "bare.example",
    });
    expect(object).toEqual({
      type: "indicator",
      spec_version: "2.1",
      id: stixIdFor("Host:bare.example"),
      created: "2022-03-11T19:25:43.000Z",
      modified: "2022-03-11T19:25:43.000Z",
      name: "bare.example | Demo Source",
      description: JSON.stringify({
        type: "Host",
        summary: "bare.example",
        confidence: null,
        rating: null,
        threatAssessScore: null,
        ownerName: "Demo Source",
        associatedGroups: [],
        attributes: [],
        webLink: null,
      }),
      pattern: "[domain-name:value = 'bare.example']",
      pattern_type: "stix",
      pattern_version: "2.1",
      valid_from: "2024-01-01T00:00:00.000Z",
      valid_until: "2024-01-31T00:00:00.000Z",
      external_references: [{ source_name: "ThreatConnect", external_id: "7" }],
    });
  });

  it("tolerates collections sent as {} or with null data", () => {
    const object = mapped(
      guideIndicator({
        type: "Host",
        hostName: "a.example",
        tags: {},
        attributes: { data: null },
        associatedGroups: null,
      }),
    );
    expect(object.labels).toBeUndefined();
    expect(object.kill_chain_phases).toBeUndefined();
  });

  it("falls back to the summary when the type's value field is absent", () => {
    expect(mapped(guideIndicator({ type: "Address", summary: "10.0.0.1" })).pattern).toBe(
      "[ipv4-addr:value = '10.0.0.1']",
    );
    const sha1 = "3da541559918a808c2402bba5012f6c60b27661c";
    expect(
      mapped(guideIndicator({ type: "File", summary: `912ec803b2ce49e4a541068d495ab570 : ${sha1}` })).pattern,
    ).toBe(`[file:hashes.'SHA-1' = '${sha1}']`);
    expect(mapped(guideIndicator({ type: "Registry Key", summary: "HKLM\\Soft : Run : REG_SZ" })).pattern).toBe(
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Soft' AND windows-registry-key:values[*].name = 'Run'" +
        " AND windows-registry-key:values[*].data_type = 'REG_SZ']",
    );
  });

  it("uses dateAdded as modified when lastModified is earlier, as STIX requires modified >= created", () => {
    const object = mapped(
      guideIndicator({ type: "Host", hostName: "a.example", lastModified: "2020-01-01T00:00:00Z" }),
    );
    expect(object.modified).toBe(object.created);
  });

  it("summarizes associated groups in the description", () => {
    const object = mapped(
      guideIndicator({
        type: "Host",
        hostName: "a.example",
        associatedGroups: { data: [{ id: "9007199254740993", type: "Adversary", name: "Bad Guy", ownerName: "Demo" }] },
      }),
    );
    expect(JSON.parse(object.description)).toMatchObject({
      associatedGroups: [{ id: "9007199254740993", type: "Adversary", name: "Bad Guy", ownerName: "Demo" }],
    });
  });
});

describe("kill chain phases", () => {
  it("maps every Phase of Intrusion spelling to a lower-case hyphenated Lockheed Martin phase, once each", () => {
    const values = [
      "Weaponization",
      "Exploitation",
      "Installation",
      "C2",
      "Command and Control",
      "Actions on Objectives",
      "Actions on Objective",
      "not a phase",
    ];
    const object = mapped(
      guideIndicator({
        type: "Host",
        hostName: "a.example",
        attributes: {
          data: [
            ...values.map((value) => ({ type: "Phase of Intrusion", value })),
            { type: "Source", value: "Delivery" },
          ],
        },
      }),
    );
    expect(object.kill_chain_phases?.map((phase) => phase.phase_name)).toEqual([
      "weaponization",
      "exploitation",
      "installation",
      "command-and-control",
      "actions-on-objectives",
    ]);
  });
});

describe("normalization and id determinism", () => {
  const sameObservable: [string, MappableIndicator, MappableIndicator][] = [
    [
      "IPv6 spellings",
      guideIndicator({ type: "Address", ip: "2001:0DB8:0:0:0:0:0:1" }),
      guideIndicator({ type: "Address", ip: "2001:db8::1" }),
    ],
    [
      "host case and trailing dot",
      guideIndicator({ type: "Host", hostName: "Evil.Example.COM." }),
      guideIndicator({ type: "Host", hostName: "evil.example.com" }),
    ],
    [
      "hash case",
      guideIndicator({ type: "File", md5: "912EC803B2CE49E4A541068D495AB570" }),
      guideIndicator({ type: "File", md5: "912ec803b2ce49e4a541068d495ab570" }),
    ],
    [
      "email case",
      guideIndicator({ type: "EmailAddress", address: "Bad@Evil.Example" }),
      guideIndicator({ type: "EmailAddress", address: "bad@evil.example" }),
    ],
    [
      "CIDR host bits",
      guideIndicator({ type: "CIDR", Block: "10.1.2.3/8" }),
      guideIndicator({ type: "CIDR", Block: "10.0.0.0/8" }),
    ],
    [
      "URL scheme and host case",
      guideIndicator({ type: "URL", text: "HTTPS://Evil.Example/Path" }),
      guideIndicator({ type: "URL", text: "https://evil.example/Path" }),
    ],
    [
      "ASN leading zeros",
      guideIndicator({ type: "ASN", "AS Number": "ASN001" }),
      guideIndicator({ type: "ASN", "AS Number": "asn1" }),
    ],
    [
      "registry hive abbreviation and case",
      guideIndicator({ type: "Registry Key", "Key Name": "HKLM\\Software\\Run" }),
      guideIndicator({ type: "Registry Key", "Key Name": "HKEY_LOCAL_MACHINE\\SOFTWARE\\run" }),
    ],
    [
      "surrounding whitespace",
      guideIndicator({ type: "Email Subject", Subject: "  Invoice \n" }),
      guideIndicator({ type: "Email Subject", Subject: "Invoice" }),
    ],
    [
      "different owner and ThreatConnect id",
      guideIndicator({ type: "Host", hostName: "a.example", id: "1", ownerName: "A" }),
      guideIndicator({ type: "Host", hostName: "a.example", id: "2", ownerName: "B" }),
    ],
  ];

  it.each(sameObservable)("gives the same key and STIX id across %s", (_label, left, right) => {
    const leftKey = dedupeKey(left);
    expect(leftKey).toEqual(dedupeKey(right));
    expect(mapped(left).id).toBe(mapped(right).id);
  });

  it("gives different ids to different values, the same value of different types, and case-distinct URL paths", () => {
    const ids = [
      guideIndicator({ type: "Host", hostName: "a.example" }),
      guideIndicator({ type: "Host", hostName: "b.example" }),
      guideIndicator({ type: "URL", text: "http://a.example/x" }),
      guideIndicator({ type: "URL", text: "http://a.example/X" }),
      guideIndicator({ type: "Address", ip: "10.0.0.0" }),
      guideIndicator({ type: "CIDR", Block: "10.0.0.0/32" }),
    ].map((indicator) => mapped(indicator).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("pins the id of a known indicator, so a namespace change cannot slip through", () => {
    expect(mapped(guideIndicator({ type: "Address", ip: "123.45.67.89" })).id).toBe(
      "indicator--2187fc06-905f-59b1-b1bc-f18657e89cd0",
    );
    expect(dedupeKey(guideIndicator({ type: "Address", ip: "123.45.67.89" }))).toEqual({
      ok: true,
      key: "Address:123.45.67.89",
    });
  });
});

describe("mapping errors name the field and the reason and never stop a batch", () => {
  const cases: [string, MappableIndicator, string, RegExp][] = [
    ["unknown type", guideIndicator({ type: "Mutex", summary: "x" }), "type", /'Mutex' is not one of the nine/],
    ["malformed IPv4", guideIndicator({ type: "Address", ip: "256.1.1.1" }), "ip", /greater than 255/],
    ["IPv4 with a leading zero", guideIndicator({ type: "Address", ip: "10.01.1.1" }), "ip", /leading zero/],
    ["malformed IPv6", guideIndicator({ type: "Address", ip: "2001:db8::1::2" }), "ip", /'::' appears more than once/],
    ["IPv6 with a zone", guideIndicator({ type: "Address", ip: "fe80::1%eth0" }), "ip", /zone/],
    ["address given as a block", guideIndicator({ type: "Address", ip: "10.0.0.0/8" }), "ip", /not a dotted-quad/],
    ["CIDR without a prefix", guideIndicator({ type: "CIDR", Block: "10.0.0.0" }), "Block", /no '\/prefix-length'/],
    ["CIDR prefix too long", guideIndicator({ type: "CIDR", Block: "10.0.0.0/33" }), "Block", /from 0 to 32/],
    ["IPv6 CIDR prefix too long", guideIndicator({ type: "CIDR", Block: "2001:db8::/129" }), "Block", /from 0 to 128/],
    ["CIDR with a bad address", guideIndicator({ type: "CIDR", Block: "10.0.0/8" }), "Block", /not a dotted-quad/],
    [
      "MD5 of the wrong length",
      guideIndicator({ type: "File", md5: "912ec803b2ce49e4a541068d495ab57" }),
      "md5",
      /32 hexadecimal digits \(got 31/,
    ],
    [
      "SHA-1 of the wrong length",
      guideIndicator({ type: "File", sha1: "3da541559918a808c2402bba5012f6c60b27661" }),
      "sha1",
      /40 hexadecimal digits/,
    ],
    [
      "SHA-256 that is not hex",
      guideIndicator({ type: "File", sha256: "z".repeat(64) }),
      "sha256",
      /64 hexadecimal digits/,
    ],
    [
      "a weak hash malformed next to a good one",
      guideIndicator({ type: "File", sha256: "a".repeat(64), md5: "nope" }),
      "md5",
      /32 hexadecimal/,
    ],
    [
      "file summary with an unknown hash",
      guideIndicator({ type: "File", summary: "abc" }),
      "summary",
      /not an MD5, SHA-1 or SHA-256/,
    ],
    ["file with nothing at all", guideIndicator({ type: "File" }), "sha256", /no md5, sha1 or sha256/],
    ["empty host", guideIndicator({ type: "Host", hostName: "   " }), "hostName", /is empty/],
    [
      "host with a space",
      guideIndicator({ type: "Host", hostName: "evil example.com" }),
      "hostName",
      /not allowed in a domain name/,
    ],
    [
      "host with an empty label",
      guideIndicator({ type: "Host", hostName: "evil..example" }),
      "hostName",
      /empty or over-long label/,
    ],
    ["missing value and summary", guideIndicator({ type: "URL" }), "text", /is missing/],
    ["URL without a scheme", guideIndicator({ type: "URL", text: "evil.example/x" }), "text", /not an absolute URL/],
    ["URL without a host", guideIndicator({ type: "URL", text: "http:///x" }), "text", /not an absolute URL/],
    [
      "email address without @",
      guideIndicator({ type: "EmailAddress", address: "bad.example" }),
      "address",
      /not an email address/,
    ],
    ["empty email subject", guideIndicator({ type: "Email Subject", Subject: "" }), "Subject", /is empty/],
    [
      "ASN that is not ASN+digits",
      guideIndicator({ type: "ASN", "AS Number": "Google" }),
      "AS Number",
      /not 'ASN' followed by digits/,
    ],
    ["ASN beyond 32 bits", guideIndicator({ type: "ASN", "AS Number": "ASN4294967296" }), "AS Number", /32-bit/],
    [
      "registry key with an unknown hive",
      guideIndicator({ type: "Registry Key", "Key Name": "HKEY_NOWHERE\\x" }),
      "Key Name",
      /unknown hive 'HKEY_NOWHERE'/,
    ],
    [
      "registry key that is empty",
      guideIndicator({ type: "Registry Key", "Key Name": " " }),
      "Key Name",
      /missing or empty/,
    ],
    [
      "registry value type unknown",
      guideIndicator({ type: "Registry Key", "Key Name": "HKLM\\x", "Value Type": "REG_FOO" }),
      "Value Type",
      /'REG_FOO' is not a Windows registry data type/,
    ],
    [
      "dateAdded not a timestamp",
      guideIndicator({ type: "Host", hostName: "a.example", dateAdded: "yesterday" }),
      "dateAdded",
      /not an ISO-8601 timestamp/,
    ],
    [
      "lastModified not a timestamp",
      guideIndicator({ type: "Host", hostName: "a.example", lastModified: "2024-13-45T99:00:00Z" }),
      "lastModified",
      /not an ISO-8601/,
    ],
    [
      "confidence out of range",
      guideIndicator({ type: "Host", hostName: "a.example", confidence: 101 }),
      "confidence",
      /0 to 100/,
    ],
  ];

  it.each(cases)("%s", (_label, indicator, field, reason) => {
    const error = mappingError(indicator);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(reason);
    expect(dedupeKey(indicator).ok).toBe(field === "dateAdded" || field === "lastModified" || field === "confidence");
  });

  it("rejects a TTL that would put valid_until at or before valid_from", () => {
    const settings = { ...SETTINGS, ttlHours: { ...DEFAULT_TTL_HOURS, Host: 0 } };
    expect(mappingError(guideIndicator({ type: "Host", hostName: "a.example" }), settings)).toEqual({
      field: "ttlHours.Host",
      message: "must be a positive number of hours (got 0)",
    });
    expect(
      mappingError(guideIndicator({ type: "Host", hostName: "a.example" }), { ...SETTINGS, now: new Date(Number.NaN) })
        .field,
    ).toBe("now");
  });

  it("reports failures by index and id while mapping the rest of the batch", () => {
    const batch = mapIndicators(
      [
        guideIndicator({ type: "Host", hostName: "good.example", id: "1" }),
        guideIndicator({ type: "Address", ip: "1.2.3", id: "9007199254740993" }),
        guideIndicator({ type: "Host", hostName: "also-good.example", id: "3" }),
      ],
      SETTINGS,
    );
    expect(batch.stixobjects.map((object) => object.pattern)).toEqual([
      "[domain-name:value = 'good.example']",
      "[domain-name:value = 'also-good.example']",
    ]);
    expect(batch.errors).toEqual([
      { index: 1, id: "9007199254740993", message: "ip: '1.2.3' is not a dotted-quad IPv4 address" },
    ]);
  });
});
