import { describe, expect, it } from "vitest";
import { parseStixPattern, stixStringLiteral, validateStixPattern } from "./pattern-grammar";

function rejection(pattern: string): string {
  const result = validateStixPattern(pattern);
  return result.ok ? "accepted" : result.message;
}

describe("validateStixPattern accepts the STIX 2.1 subset", () => {
  it.each([
    "[ipv4-addr:value = '198.51.100.7']",
    "[ipv6-addr:value = '2001:db8::/32']",
    "[file:hashes.'SHA-256' = 'abc']",
    "[file:hashes.MD5 = 'abc']",
    "[autonomous-system:number = 15169]",
    "[autonomous-system:number != -1]",
    "[x-custom:score >= 4.5]",
    "[email-message:is_multipart = true]",
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Run' AND windows-registry-key:values[*].name = '']",
    "[windows-registry-key:values[0].data_type == 'REG_SZ']",
    "[network-traffic:dst_port < 1024 OR network-traffic:dst_port > 65000]",
    "[domain-name:value = 'a' OR (domain-name:value = 'b' AND domain-name:value NOT = 'c')]",
    "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a'] OR ([url:value = 'x'])",
    "  [ url:value\n=\t'a b' ]  ",
    "[email-message:subject = 'line\nbreak and ünïcødé 📎']",
  ])("%s", (pattern) => {
    expect(validateStixPattern(pattern)).toEqual({ ok: true });
  });

  it("returns the comparisons with decoded literals", () => {
    const parsed = parseStixPattern("[file:hashes.'SHA-256' = 'O\\'Brien\\\\x' AND file:size > 10]");
    expect(parsed).toEqual({
      ok: true,
      comparisons: [
        {
          objectType: "file",
          path: [
            { kind: "property", name: "hashes" },
            { kind: "property", name: "SHA-256" },
          ],
          operator: "=",
          isNegated: false,
          literal: { kind: "string", value: "O'Brien\\x" },
        },
        {
          objectType: "file",
          path: [{ kind: "property", name: "size" }],
          operator: ">",
          isNegated: false,
          literal: { kind: "integer", value: 10n },
        },
      ],
    });
  });
});

describe("validateStixPattern rejects what the grammar does not allow", () => {
  it.each([
    ["an unescaped quote", "[url:value = 'it's']", "unterminated string literal at offset 18"],
    ["an unknown escape", "[url:value = 'a\\nb']", "backslash in a string literal"],
    ["a lone trailing backslash", "[url:value = 'a\\']", "unterminated string literal"],
    ["double quotes", '[url:value = "a"]', "unexpected character '\"'"],
    ["an unquoted hyphenated property", "[file:hashes.SHA-256 = 'a']", "contains a hyphen and must be quoted"],
    ["a missing bracket", "url:value = 'a'", "expected '[' or '('"],
    ["an unclosed bracket", "[url:value = 'a'", "expected ']'"],
    ["a missing object type", "[:value = 'a']", "expected an object type"],
    ["a missing property", "[url: = 'a']", "expected a property name"],
    ["a missing operator", "[url:value 'a']", "expected a comparison operator"],
    ["a missing literal", "[url:value = ]", "expected a string, number or boolean literal"],
    ["a quoted-looking integer with a leading zero", "[autonomous-system:number = 0174]", "unexpected character"],
    ["a boolean ordered comparison", "[x:flag < true]", "cannot be compared"],
    ["lower-case keywords", "[url:value = 'a' and url:value = 'b']", "expected ']' but found 'and'"],
    [
      "AND across object types",
      "[url:value = 'a' AND domain-name:value = 'b']",
      "refer to different object types (url, domain-name)",
    ],
    ["a qualifier", "[url:value = 'a'] WITHIN 5 SECONDS", "outside the supported pattern subset"],
    ["LIKE", "[url:value LIKE 'a%']", "outside the supported pattern subset"],
    ["an empty pattern", "", "expected '[' or '('"],
    ["trailing garbage", "[url:value = 'a'] ]", "expected AND, OR or the end of the pattern"],
    ["a bad list index", "[x:values[a].name = 'a']", "expected a list index or '*'"],
  ])("%s", (_label, pattern, message) => {
    expect(rejection(pattern)).toContain(message);
  });

  it("reports where the problem is", () => {
    expect(rejection("[url:value = 'a' AND url:value = ]")).toBe(
      "expected a string, number or boolean literal but found ']' at offset 33",
    );
  });
});

describe("stixStringLiteral", () => {
  it("escapes backslashes before quotes", () => {
    expect(stixStringLiteral("a\\'b")).toBe("'a\\\\\\'b'");
  });
});
