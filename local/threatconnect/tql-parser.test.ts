import { describe, expect, it } from "vitest";
import { INDICATOR_SCOPE } from "./tql-keywords";
import { OWNERS, SECURITY_LABELS, TAGS, type EmulatedIndicator, type EmulatedOwner } from "./model";
import { compileTql, parseDateLiteral } from "./tql-parser";

const NOW = new Date("2026-03-10T12:00:00Z");
const nowSeconds = NOW.getTime() / 1000;
const DAY = 86_400;
const [organization, source, community] = OWNERS as [EmulatedOwner, EmulatedOwner, EmulatedOwner];

function indicator(
  partial: Partial<EmulatedIndicator> & Pick<EmulatedIndicator, "id" | "type" | "summary">,
): EmulatedIndicator {
  return {
    owner: organization,
    values: {},
    threatAssessScore: 500,
    dateAdded: nowSeconds - 10 * DAY,
    lastModified: nowSeconds - DAY,
    active: true,
    tags: [],
    attributes: [],
    attributeIdBase: 1,
    groups: [],
    securityLabels: [],
    ...partial,
  };
}

const tag = (name: string) => TAGS.find((candidate) => candidate.name === name) ?? { id: 999, name };

const RECORDS: EmulatedIndicator[] = [
  indicator({
    id: "1",
    type: "Address",
    summary: "203.0.113.10",
    rating: 5,
    confidence: 90,
    tags: [tag("Phishing")],
    securityLabels: SECURITY_LABELS.filter((label) => label.name === "TLP:RED"),
  }),
  indicator({
    id: "2",
    type: "Host",
    summary: "Bad.Example.com",
    rating: 2,
    confidence: 40,
    attributes: [{ type: "Source", value: "Partner feed" }],
    owner: community,
    lastModified: nowSeconds - 3600,
  }),
  indicator({
    id: "3",
    type: "URL",
    summary: 'http://x.test/a"b\\c',
    owner: source,
    dateAdded: Date.parse("2024-01-01T05:00:00Z") / 1000,
    groups: [{ id: 101, ownerId: 2, type: "Campaign", name: "Campaign B", dateAdded: 0, systemCreated: true }],
  }),

  indicator({
    id: "9007199254740993",
    type: "Email Subject",
    summary: "Счёт №5",
    threatAssessScore: 900,
    active: false,
    tags: [tag("APT28"), tag("C2")],
  }),
];

function matching(tql: string): string[] {
  const { predicate } = compileTql(tql, INDICATOR_SCOPE, () => NOW);
  return RECORDS.filter(predicate).map((record) => record.id);
}

describe("TQL evaluation", () => {
  it.each([
    ['typeName = "Address"', ["1"]],
    ['typeName == "host"', ["2"]],
    ['TYPENAME in ("Address", "URL")', ["1", "3"]],
    ['typeName NOT IN ("Address", "URL")', ["2", "9007199254740993"]],
    ['ownerName = "Demo Community"', ["2"]],
    ['ownerName != "Demo Organization"', ["2", "3"]],
    ["rating >= 2 and rating < 5", ["2"]],
    ["rating GT 4", ["1"]],
    ["rating IS NULL", ["3", "9007199254740993"]],
    ["confidence is not null AND confidence <= 40", ["2"]],
    ["threatAssessScore > 800", ["9007199254740993"]],
    ['summary LIKE "%.example.%"', ["2"]],
    ['summary like "203.0.113.1_"', ["1"]],
    ['summary CONTAINS "a\\"b\\\\c"', ["3"]],
    ["summary contains 'a\\\"b'", ["3"]],
    ['summary STARTSWITH "bad."', ["2"]],
    ['summary endswith ".COM"', ["2"]],
    ['summary NOT CONTAINS "example"', ["1", "3", "9007199254740993"]],
    ['summary = "Счёт №5"', ["9007199254740993"]],
    ['tag = "phishing"', ["1"]],
    ['tag IN ("c2", "Ransomware")', ["9007199254740993"]],
    ['tag != "APT28"', ["1", "2", "3"]],
    ['hasTag(name = "APT28")', ["9007199254740993"]],
    ['hasTag(name STARTSWITH "phish" OR name = "nothing")', ["1"]],
    ['NOT hasTag(name = "APT28")', ["1", "2", "3"]],
    ['dateAdded = "2024-01-01"', ["3"]],
    ['dateAdded < "2024-01-01 06:00:00"', ["3"]],
    ['dateAdded > "2024-01-01T05:00:00Z"', ["1", "2", "9007199254740993"]],
    ['lastModified > "NOW() - 2 hours"', ["2"]],
    ["lastModified >= NOW() - 2 DAYS and lastModified < TODAY()", ["1", "3", "9007199254740993"]],
    ['lastModified >= "today() - 1 day"', ["1", "2", "3", "9007199254740993"]],
    ["indicatorActive = false", ["9007199254740993"]],
    ["indicatorActive = TRUE", ["1", "2", "3"]],
    ['source = "Partner feed"', ["2"]],
    ['source IS NULL AND typeName IN ("Address", "URL")', ["1", "3"]],
    ['attribute CONTAINS "partner"', ["2"]],
    ['hasAttribute(typeName = "Source" AND value STARTSWITH "Partner")', ["2"]],
    ["associatedGroup = 101", ["3"]],
    ['hasGroup(typeName = "Campaign")', ["3"]],
    ['hasGroup(id IN (101, 102)) OR hasSecurityLabel(name = "TLP:RED")', ["1", "3"]],
    ['addressCity IS NULL AND typeName = "Host"', ["2"]],
    ['addressCity = "Berlin"', []],
    ['hasIndicator(typeName = "Host")', []],
    ['summary NOT LIKE "%example%" AND summary NOT STARTSWITH "http"', ["1", "9007199254740993"]],
    ["id = 9007199254740993", ["9007199254740993"]],
    ["id > 9007199254740992", ["9007199254740993"]],
    ["id in (1, 3)", ["1", "3"]],
    ['(typeName = "Address" OR typeName = "Host") AND rating > 3', ["1"]],
    ['typeName = "Address" OR typeName = "Host" AND rating > 3', ["1"]],
    ['NOT (typeName = "Address" or rating is null)', ["2"]],
    ['not not typeName = "URL"', ["3"]],
  ])("%s", (tql, expected) => {
    expect(matching(tql)).toEqual(expected);
  });

  it("matches types the product does not map, and their value as value1", () => {
    const mutex = indicator({ id: "4", type: "Mutex", summary: "Global\\MTX_1", values: { Mutex: "Global\\MTX_1" } });
    const matches = (tql: string) => compileTql(tql, INDICATOR_SCOPE, () => NOW).predicate(mutex);
    expect(matches('typeName = "Mutex"')).toBe(true);
    expect(matches('value1 = "Global\\\\MTX_1"')).toBe(true);
    expect(matches('value1 = "other"')).toBe(false);
  });

  it("reports whether the query mentions the active flag", () => {
    expect(compileTql("indicatorActive = false", INDICATOR_SCOPE, () => NOW).keywords.has("indicatoractive")).toBe(
      true,
    );
    expect(compileTql("rating > 1", INDICATOR_SCOPE, () => NOW).keywords.has("indicatoractive")).toBe(false);
  });
});

describe("invalid TQL", () => {
  it.each([
    ["ratng > 3", /position 1: unknown keyword 'ratng'; expected one of id, typeName/],
    ["rating >> 3", /position 9: expected a number for rating but found '>'/],
    ["rating 3", /position 8: expected an operator .* after 'rating' but found '3'/],
    ['summary = "open', /position 11: unterminated string/],
    ["summary = bad", /position 11: expected a quoted string for summary but found 'bad'/],
    ['(typeName = "Host"', /position 19: expected '\)' to close the parenthesis but found the end of the query/],
    [
      'typeName = "Host" typeName = "URL"',
      /position 19: expected AND, OR or the end of the query but found 'typeName'/,
    ],
    ['typeName IN ("Host" "URL")', /position 21: expected ',' or '\)' in the IN list/],
    ['rating LIKE "4"', /position 8: LIKE only applies to text keywords, but rating is a number/],
    ['dateAdded > "last week"', /position 13: "last week" is not a valid date for dateAdded/],
    ['dateAdded > "2024-02-30"', /not a valid date/],
    ['dateAdded > "2024-01-01T00:00:00.5Z"', /not a valid date/],
    ["dateAdded > yesterday", /expected a date for dateAdded but found 'yesterday'/],
    ["active = true", /unknown keyword 'active'/],
    ["indicatorActive > true", /indicatorActive is a boolean; only = and != apply/],
    ["indicatorActive = maybe", /expected true or false for indicatorActive/],
    ['hasGroup(nme = "x")', /unknown keyword 'nme'; expected one of id, typeName, name/],
    ["rating > 3 AND", /position 15: expected a keyword, NOT or '\(' but found the end of the query/],
    ['summary = "a\\qb"', /unsupported escape \\q/],
    ["summary = 'x' ; drop", /position 15: unexpected character ';'/],
    ["hasTag(nme = 'x')", /unknown keyword 'nme'; expected one of name, id, techniqueId/],
    ["rating NOT = 3", /expected IN, LIKE, CONTAINS, STARTSWITH or ENDSWITH after NOT/],
  ])("%s", (tql, message) => {
    expect(() => compileTql(tql, INDICATOR_SCOPE, () => NOW)).toThrow(message);
  });
});

describe("parseDateLiteral", () => {
  it("treats a whole day as a range and a timestamp as a point", () => {
    const day = Date.parse("2024-05-01T00:00:00Z") / 1000;
    expect(parseDateLiteral("2024-05-01", NOW)).toEqual({
      start: day,
      end: day + DAY,
    });
    expect(parseDateLiteral("2024-05-01T00:00:10+02:00", NOW)).toEqual({
      start: day - 7190,
      end: day - 7189,
    });
    expect(parseDateLiteral("NOW() + 30 minutes", NOW)).toEqual({
      start: nowSeconds + 1800,
      end: nowSeconds + 1801,
    });
  });
});
