import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { type LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import { assertPublicAddress, destinationOf, parseOutboundAllowlist } from "./destinations";

/**
 * Where the portal may send requests whose destination a user typed (ThreatConnect base URLs today, the sync
 * pipeline next). Hand `agentFor(url)` to node:http(s): destinations on the allowlist get an ordinary agent;
 * every other one is checked on the address it actually resolves to, inside the connect, so a name that
 * resolves somewhere public at validation and to 127.0.0.1 a moment later (DNS rebinding) is still refused.
 */
export interface OutboundPolicy {
  agentFor(url: URL): http.Agent;
  /** Both agents for a client bound to one base URL (the ThreatConnect transport picks by protocol). */
  agentsFor(baseUrl: string): { http: http.Agent; https: https.Agent };
  isAllowlisted(url: URL): boolean;
}

export function createOutboundPolicy(config: { allowlist?: string }): OutboundPolicy {
  const allowlist = parseOutboundAllowlist(config.allowlist);
  const agents = {
    allowed: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
    guarded: { http: new GuardedHttpAgent({ keepAlive: true }), https: new GuardedHttpsAgent({ keepAlive: true }) },
  };
  const isAllowlisted = (url: URL) => allowlist.has(destinationOf(url));
  return {
    isAllowlisted,
    agentFor(url) {
      const kind = isAllowlisted(url) ? agents.allowed : agents.guarded;
      return url.protocol === "https:" ? kind.https : kind.http;
    },
    agentsFor(baseUrl) {
      // A URL that does not parse gets the guarded agents; the client then refuses the URL itself.
      const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
      return url && isAllowlisted(url) ? agents.allowed : agents.guarded;
    },
  };
}

/** dns.lookup with every answer checked; with `all` (Happy Eyeballs) one private answer refuses the name. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    try {
      for (const { address } of addresses) assertPublicAddress(hostname, address);
    } catch (refusal) {
      return callback(refusal as NodeJS.ErrnoException, "", 4);
    }
    if (options.all) return (callback as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 4);
    callback(null, first.address, first.family);
  });
};

/**
 * An address literal never reaches a lookup, so it is checked before the socket exists; the refusal then
 * arrives as the request's error, exactly like a failed connect, with no packet sent.
 */
function guardedConnection(
  options: http.ClientRequestArgs,
  callback: ((error: Error | null, stream: Duplex) => void) | undefined,
  connect: (options: http.ClientRequestArgs) => Duplex | null | undefined,
): Duplex | null | undefined {
  const host = (options.host ?? options.hostname ?? "").replace(/^\[|\]$/g, "");
  if (net.isIP(host) !== 0) {
    try {
      assertPublicAddress(host, host);
    } catch (refusal) {
      const socket = new net.Socket();
      if (callback) callback(refusal as Error, socket);
      else process.nextTick(() => socket.destroy(refusal as Error));
      return socket;
    }
  }
  return connect({ ...options, lookup: checkedLookup });
}

class GuardedHttpAgent extends http.Agent {
  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void) {
    return guardedConnection(options, callback, (checked) => super.createConnection(checked, callback));
  }
}

class GuardedHttpsAgent extends https.Agent {
  override createConnection(options: https.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void) {
    return guardedConnection(options, callback, (checked) => super.createConnection(checked, callback));
  }
}
