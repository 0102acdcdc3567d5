import { describe, expect, it } from "vitest";
import { formatCidr, formatIpAddress, parseCidr, parseIpAddress } from "./ip-address";

function canonical(text: string): string {
  const parsed = parseIpAddress(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return formatIpAddress(parsed.value);
}

function reason(text: string): string {
  const parsed = parseIpAddress(text);
  return parsed.ok ? "parsed" : parsed.reason;
}

describe("IPv6 canonical form (RFC 5952)", () => {
  it.each([
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
    // IPv4-compatible, not IPv4-mapped: ipaddr.js alone would turn this into ::ffff:1.2.3.4.
    ["::1.2.3.4", "::102:304"],
  ])("%s → %s", (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it.each([
    ["1:2:3:4:5:6:7", "eight groups"],
    ["1:2:3:4:5:6:7:8:9", "eight groups"],
    ["1::2::3", "more than once"],
    ["1:2:3:4::5:6:7:8", "at least one zero group"],
    ["12345::", "one to four hex digits"],
    ["g::1", "one to four hex digits"],
    [":1::", "one to four hex digits"],
    ["::1.2.3", "embedded IPv4"],
    ["fe80::1%1", "zone"],
  ])("rejects %s (%s)", (input, why) => {
    expect(reason(input)).toContain(why);
  });
});

describe("IPv4", () => {
  it("accepts dotted quads", () => {
    expect(canonical("0.0.0.0")).toBe("0.0.0.0");
    expect(canonical("255.255.255.255")).toBe("255.255.255.255");
  });

  it.each([
    ["1.2.3", "dotted-quad"],
    ["1.2.3.4.5", "dotted-quad"],
    ["1.2.3.256", "greater than 255"],
    ["01.2.3.4", "leading zero"],
    ["1.256.01.2", "greater than 255"],
    ["1.01.256.2", "leading zero"],
    ["0x1.2.3.4", "dotted-quad"],
    ["1.2.3.4/8", "dotted-quad"],
    [" 1.2.3.4", "dotted-quad"],
    ["", "dotted-quad"],
  ])("rejects '%s' (%s)", (input, why) => {
    expect(reason(input)).toContain(why);
  });
});

describe("CIDR network form", () => {
  it.each([
    ["123.45.67.89/24", "123.45.67.0/24"],
    ["10.255.255.255/9", "10.128.0.0/9"],
    ["1.2.3.4/32", "1.2.3.4/32"],
    ["1.2.3.4/0", "0.0.0.0/0"],
    ["2001:db8:ffff:ffff::1/33", "2001:db8:8000::/33"],
    ["2001:0db8:0:0:0:0:0:0/32", "2001:db8::/32"],
    ["2001:db8::1/128", "2001:db8::1/128"],
  ])("%s → %s", (input, expected) => {
    const block = parseCidr(input);
    expect(block.ok && formatCidr(block.value)).toBe(expected);
  });

  it.each([
    ["10.0.0.0", "no '/prefix-length'"],
    ["10.0.0.0/", "prefix length ''"],
    ["10.0.0.0/08", "prefix length '08'"],
    ["10.0.0.0/-1", "prefix length '-1'"],
    ["2001:db8::/200", "from 0 to 128"],
  ])("rejects %s (%s)", (input, why) => {
    const block = parseCidr(input);
    expect(block.ok ? "parsed" : block.reason).toContain(why);
  });
});
