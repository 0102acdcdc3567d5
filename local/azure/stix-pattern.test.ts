import { describe, expect, it } from "vitest";
import { parseStixPattern } from "./stix-pattern";

describe("parseStixPattern", () => {
  it.each([
    "[ipv4-addr:value = '198.51.100.7']",
    "[ipv4-addr:value = '198.51.100.0/24']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
    "[url:value = 'https://evil.example/a?b=c&d=O\\'Brien']",
    "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Run' AND windows-registry-key:values[*].name = 'Updater']",
    "[autonomous-system:number = 15169]",
    "[email-message:subject = 'Invoice overdue'] OR [domain-name:value = 'evil.example']",
    "([ipv4-addr:value = '10.0.0.1'] FOLLOWEDBY [domain-name:value = 'a.example']) WITHIN 300 SECONDS",
    "[network-traffic:dst_port IN (80, 443) AND network-traffic:protocols[0] NOT = 'udp'] REPEATS 5 TIMES",
    "[file:name MATCHES '^evil.*\\\\.exe$'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00.000Z'",
    "[artifact:payload_bin = b'aGVsbG8='] AND [x509-certificate:serial_number = h'0a1b']",
    "[process:pid > -1 AND process:is_hidden = true]",
    "[EXISTS file:name]",
  ])("accepts %s", (pattern) => {
    expect(parseStixPattern(pattern)).toEqual({ ok: true });
  });

  it.each([
    ["ipv4-addr:value = '1.2.3.4'", "expected '[' or '('"],
    ["[ipv4-addr:value = '1.2.3.4'", "expected ']'"],
    ['[ipv4-addr:value = "1.2.3.4"]', "unexpected character '\"'"],
    ["[file:hashes.SHA-256 = 'abc']", "quote names that contain '-'"],
    ["[url:value = 'a\\nb']", "invalid escape sequence"],
    ["[url:value = 'unterminated]", "unterminated string literal"],
    ["[ipv4-addr:value == ]", "expected a literal value"],
    ["[ipv4-addr:value ~ '1']", "unexpected character '~'"],
    ["[ipv4-addr:value = '1'] and [ipv4-addr:value = '2']", "unexpected 'and'"],
    ["[file:name LIKE 5]", "expected a quoted string after LIKE"],
    ["[a:b = 't'] START t'2024-13-01T00:00:00Z' STOP t'2024-01-01T00:00:00Z'", "malformed t'…' literal"],
    ["[a:b = 1] REPEATS 0x TIMES", "expected TIMES"],
    ["", "expected '[' or '('"],
  ])("rejects %s", (pattern, reason) => {
    const result = parseStixPattern(pattern);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toContain(reason);
  });
});
