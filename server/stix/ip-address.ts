export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export type IpAddress = { version: 4; octets: number[] } | { version: 6; groups: number[] };

const IPV4_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP_PATTERN = /^[0-9a-fA-F]{1,4}$/;

/** Dotted-quad only; leading zeros are rejected because some parsers read them as octal. */
export function parseIpv4(text: string): ParseResult<number[]> {
  const match = IPV4_PATTERN.exec(text);
  if (!match) return { ok: false, reason: `'${text}' is not a dotted-quad IPv4 address` };
  const octets: number[] = [];
  for (const part of match.slice(1)) {
    if (part.length > 1 && part.startsWith("0")) {
      return { ok: false, reason: `'${text}' has an octet with a leading zero` };
    }
    const octet = Number(part);
    if (octet > 255) return { ok: false, reason: `'${text}' has an octet greater than 255` };
    octets.push(octet);
  }
  return { ok: true, value: octets };
}

export function parseIpv6(text: string): ParseResult<number[]> {
  const invalid = (why: string): ParseResult<number[]> => ({
    ok: false,
    reason: `'${text}' is not an IPv6 address: ${why}`,
  });
  if (text.includes("%")) return invalid("zone identifiers are not allowed");
  let hexPart = text;
  const embeddedIpv4: number[] = [];
  if (text.includes(".")) {
    const lastColon = text.lastIndexOf(":");
    const ipv4 = parseIpv4(text.slice(lastColon + 1));
    if (!ipv4.ok) return invalid("the embedded IPv4 part is malformed");
    const [a = 0, b = 0, c = 0, d = 0] = ipv4.value;
    embeddedIpv4.push((a << 8) | b, (c << 8) | d);
    hexPart = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "64:ff9b::1.2.3.4" leaves "64:ff9b::"; "1:2:3:4:5:6:1.2.3.4" leaves a dangling ":".
    if (!hexPart.endsWith("::")) hexPart = hexPart.slice(0, -1);
  }
  const halves = hexPart.split("::");
  if (halves.length > 2) return invalid("'::' appears more than once");
  const parseGroups = (segment: string): number[] | undefined => {
    if (segment === "") return [];
    const groups = segment.split(":");
    if (!groups.every((group) => HEX_GROUP_PATTERN.test(group))) return undefined;
    return groups.map((group) => parseInt(group, 16));
  };
  const head = parseGroups(halves[0] ?? "");
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (!head || !tail) return invalid("every group must be one to four hex digits");
  const explicit = [...head, ...tail, ...embeddedIpv4];
  if (halves.length === 2) {
    if (explicit.length > 7) return invalid("'::' must stand for at least one zero group");
    return { ok: true, value: [...head, ...new Array<number>(8 - explicit.length).fill(0), ...tail, ...embeddedIpv4] };
  }
  if (explicit.length !== 8) return invalid("it must have eight groups or use '::'");
  return { ok: true, value: explicit };
}

export function parseIpAddress(text: string): ParseResult<IpAddress> {
  if (text.includes(":")) {
    const groups = parseIpv6(text);
    return groups.ok ? { ok: true, value: { version: 6, groups: groups.value } } : groups;
  }
  const octets = parseIpv4(text);
  return octets.ok ? { ok: true, value: { version: 4, octets: octets.value } } : octets;
}

/** RFC 5952: lower-case hex, no leading zeros, the longest (first on a tie) run of two or more zero groups as "::". */
export function formatIpv6(groups: readonly number[]): string {
  const isIpv4Mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isIpv4Mapped) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return `::ffff:${[high >> 8, high & 0xff, low >> 8, low & 0xff].join(".")}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length;) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export function formatIpAddress(address: IpAddress): string {
  return address.version === 4 ? address.octets.join(".") : formatIpv6(address.groups);
}

export type CidrBlock = { address: IpAddress; prefixLength: number };

function maskUnits(units: readonly number[], unitBits: number, prefixLength: number): number[] {
  return units.map((unit, index) => {
    const keptBits = Math.min(Math.max(prefixLength - index * unitBits, 0), unitBits);
    const mask = keptBits === 0 ? 0 : ((1 << unitBits) - 1) ^ ((1 << (unitBits - keptBits)) - 1);
    return unit & mask;
  });
}

/** Parses "address/prefix" and zeroes the host bits, so every spelling of a block has one network form. */
export function parseCidr(text: string): ParseResult<CidrBlock> {
  const slash = text.indexOf("/");
  if (slash < 0) return { ok: false, reason: `'${text}' has no '/prefix-length'` };
  const address = parseIpAddress(text.slice(0, slash));
  if (!address.ok) return address;
  const prefixText = text.slice(slash + 1);
  const maxPrefix = address.value.version === 4 ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return {
      ok: false,
      reason: `'${text}' has prefix length '${prefixText}'; expected an integer from 0 to ${maxPrefix}`,
    };
  }
  const prefixLength = Number(prefixText);
  const network: IpAddress =
    address.value.version === 4
      ? { version: 4, octets: maskUnits(address.value.octets, 8, prefixLength) }
      : { version: 6, groups: maskUnits(address.value.groups, 16, prefixLength) };
  return { ok: true, value: { address: network, prefixLength } };
}

export function formatCidr(block: CidrBlock): string {
  return `${formatIpAddress(block.address)}/${block.prefixLength}`;
}
