import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Why a destination was refused, written for the person who typed the URL. `field` lets a form show it next
 * to the URL input; callers pass the name of the field the URL came from.
 */
export class OutboundDestinationRefused extends Error {
  readonly code = "EOUTBOUNDREFUSED";

  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    const resolved = host === address ? host : `${host} resolves to ${address}`;
    super(
      `${resolved}, a ${describeRange(range)} address; the portal only connects to public addresses (an administrator can allow this host:port with OUTBOUND_ALLOWLIST)`,
    );
    this.name = "OutboundDestinationRefused";
  }
}

const RANGE_NAMES: Record<string, string> = {
  loopback: "loopback",
  private: "private-network",
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT",
  uniqueLocal: "unique-local",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
  ipv4Mapped: "IPv4-mapped",
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `non-public (${range})`;
}

/**
 * The range ipaddr.js classifies the address in; only "unicast" is the public internet. Everything else,
 * including translation prefixes (6to4, Teredo, NAT64) that could tunnel to an internal host, is refused.
 */
export function addressRange(address: string): string {
  return ipaddr.parse(address).range();
}

/** Throws the refusal for a non-public address; `host` is what the caller asked for, for the message. */
export function assertPublicAddress(host: string, address: string): void {
  if (isIP(address) === 0) throw new OutboundDestinationRefused(host, address, "unparseable");
  const range = addressRange(address);
  if (range !== "unicast") throw new OutboundDestinationRefused(host, address, range);
}

/** The refusal anywhere in an error's cause chain, however a client wrapped it. */
export function outboundRefusalIn(error: unknown): OutboundDestinationRefused | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof OutboundDestinationRefused) return current;
    current = current.cause;
  }
  return undefined;
}

/** `host:port` as the allowlist spells it: lowercase host, IPv6 in brackets, the scheme's default port filled in. */
export function destinationOf(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.hostname.toLowerCase()}:${port}`;
}

export function parseOutboundAllowlist(text: string | undefined): ReadonlySet<string> {
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return new Set(entries);
}
