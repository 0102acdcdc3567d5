import ipaddr from "ipaddr.js";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const HEX_GROUP_PATTERN = /^[0-9a-fA-F]{1,4}$/;

/**
 * ipaddr.js answers only valid/invalid; the mapping error tells the analyst which rule the value broke, so
 * rejected text is explained here (the parsing itself is ipaddr.js's).
 */
function whyNotIpv4(text: string): string {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1);
  if (!parts) return `'${text}' is not a dotted-quad IPv4 address`;
  // The first offending octet names the rule; leading zeros are refused because some parsers read them as octal.
  const offending = parts.find((part) => (part.length > 1 && part.startsWith("0")) || Number(part) > 255) ?? "";
  return offending.startsWith("0")
    ? `'${text}' has an octet with a leading zero`
    : `'${text}' has an octet greater than 255`;
}

function whyNotIpv6(text: string): string {
  const invalid = (why: string) => `'${text}' is not an IPv6 address: ${why}`;
  if (text.includes("%")) return invalid("zone identifiers are not allowed");
  let hexPart = text;
  let embeddedGroups = 0;
  if (text.includes(".")) {
    const lastColon = text.lastIndexOf(":");
    if (!ipaddr.IPv4.isValidFourPartDecimal(text.slice(lastColon + 1))) {
      return invalid("the embedded IPv4 part is malformed");
    }
    embeddedGroups = 2;
    hexPart = text.slice(0, lastColon + 1);
    if (!hexPart.endsWith("::")) hexPart = hexPart.slice(0, -1);
  }
  const halves = hexPart.split("::");
  if (halves.length > 2) return invalid("'::' appears more than once");
  const groups = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  if (!groups.every((group) => HEX_GROUP_PATTERN.test(group))) {
    return invalid("every group must be one to four hex digits");
  }
  if (halves.length === 2) return invalid("'::' must stand for at least one zero group");
  if (groups.length + embeddedGroups !== 8) return invalid("it must have eight groups or use '::'");
  return invalid("it is malformed");
}

/** Dotted-quad IPv4 or IPv6 without a zone; anything ipaddr.js would read leniently (octal, hex, short forms) is refused. */
export function parseIpAddress(text: string): ParseResult<IpAddress> {
  if (text.includes(":")) {
    const valid = !text.includes("%") && ipaddr.IPv6.isValid(text) && embeddedIpv4IsStrict(text);
    if (!valid) return { ok: false, reason: whyNotIpv6(text) };
    // ipaddr.js reads the deprecated IPv4-compatible "::a.b.c.d" as IPv4-mapped (::ffff:a.b.c.d); RFC 4291 does not.
    const ipv4Compatible = /^::[\d.]+$/.test(text);
    return { ok: true, value: ipaddr.IPv6.parse(ipv4Compatible ? `::0:${text.slice(2)}` : text) };
  }
  return ipaddr.IPv4.isValidFourPartDecimal(text)
    ? { ok: true, value: ipaddr.IPv4.parse(text) }
    : { ok: false, reason: whyNotIpv4(text) };
}

function embeddedIpv4IsStrict(text: string): boolean {
  const tail = text.slice(text.lastIndexOf(":") + 1);
  return !tail.includes(".") || ipaddr.IPv4.isValidFourPartDecimal(tail);
}

/** RFC 5952, except that IPv4-mapped addresses keep their dotted tail (::ffff:192.0.2.1) as the RFC recommends. */
export function formatIpAddress(address: IpAddress): string {
  if (address.kind() === "ipv4") return address.toString();
  const ipv6 = address as ipaddr.IPv6;
  return ipv6.isIPv4MappedAddress() ? `::ffff:${ipv6.toIPv4Address().toString()}` : ipv6.toRFC5952String();
}

export type CidrBlock = { address: IpAddress; prefixLength: number };

/** Parses "address/prefix" and zeroes the host bits, so every spelling of a block has one network form. */
export function parseCidr(text: string): ParseResult<CidrBlock> {
  const slash = text.indexOf("/");
  if (slash < 0) return { ok: false, reason: `'${text}' has no '/prefix-length'` };
  const address = parseIpAddress(text.slice(0, slash));
  if (!address.ok) return address;
  const prefixText = text.slice(slash + 1);
  const maxPrefix = address.value.kind() === "ipv4" ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return {
      ok: false,
      reason: `'${text}' has prefix length '${prefixText}'; expected an integer from 0 to ${maxPrefix}`,
    };
  }
  const prefixLength = Number(prefixText);
  const block = `${address.value.toString()}/${prefixLength}`;
  const network =
    address.value.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(block)
      : ipaddr.IPv6.networkAddressFromCIDR(block);
  return { ok: true, value: { address: network, prefixLength } };
}

export function formatCidr(block: CidrBlock): string {
  return `${formatIpAddress(block.address)}/${block.prefixLength}`;
}
