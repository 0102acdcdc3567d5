import { describe, expect, test } from "vitest";
import { clientIp } from "./client-ip";

const forwarded = (value: string) => new Headers({ "x-forwarded-for": value });

describe("client address for throttling", () => {
  test("without a trusted proxy the rightmost entry counts, never the first one a client wrote", () => {
    expect(clientIp(forwarded("6.6.6.6, 203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientIp(forwarded("203.0.113.7"), 0)).toBe("203.0.113.7");
  });

  test("with N trusted proxies the N-th entry from the right counts", () => {
    const chain = forwarded("6.6.6.6, 198.51.100.20, 10.0.0.2");
    expect(clientIp(chain, 1)).toBe("10.0.0.2");
    expect(clientIp(chain, 2)).toBe("198.51.100.20");
    expect(clientIp(chain, 4)).toBeNull();
  });

  test("anything that is not an address is not a key", () => {
    expect(clientIp(forwarded(`${"x".repeat(3000)}`), 0)).toBeNull();
    expect(clientIp(forwarded("203.0.113.7, 999.1.1.1"), 0)).toBeNull();
    expect(clientIp(forwarded("0x7f.1"), 0)).toBeNull();
    expect(clientIp(new Headers(), 0)).toBeNull();
  });

  test("one client has one key however the address is spelled; IPv6 clients are keyed by their /64", () => {
    expect(clientIp(forwarded("::ffff:203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientIp(forwarded("2001:db8:1:2:aaaa::1"), 0)).toBe("2001:db8:1:2::/64");
    expect(clientIp(forwarded("2001:0db8:0001:0002:ffff:0:0:9"), 0)).toBe("2001:db8:1:2::/64");
  });
});
