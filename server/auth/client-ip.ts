import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * The address the throttles key on, or null when there is none worth trusting.
 *
 * Route handlers never see the socket: Next removed `request.ip`, and its server only writes the socket
 * address into X-Forwarded-For when the request arrived without that header. So entries are read from the
 * right, where the hops we trust append: with `trustedProxyHops` N ≥ 1 the N-th entry from the right is the
 * address our outermost proxy saw; with 0 (no proxy) the rightmost entry is the socket address Next wrote.
 * Without a proxy a client that writes its own header only chooses which per-IP budget it spends; the
 * per-account budget, which is what stops password guessing, does not depend on the address at all.
 */
export function clientIp(headers: Headers, trustedProxyHops: number): string | null {
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim());
  const fromRight = Math.max(trustedProxyHops, 1);
  if (hops.length < fromRight) return null;
  return normalizedAddress(hops[hops.length - fromRight] ?? "");
}

/**
 * Canonical text of a valid address, so one client has one key however it is spelled. IPv6 clients usually
 * own a whole /64, so they are keyed by it; otherwise each of their 2^64 addresses would get its own budget.
 */
export function normalizedAddress(candidate: string): string | null {
  if (isIP(candidate) === 0) return null;
  const address = ipaddr.process(candidate);
  if (address.kind() === "ipv4") return address.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/64`);
  return `${network.toRFC5952String()}/64`;
}
