import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callerFor, errorOf, makeOrg } from "@/test/db";

// A loopback listener standing in for an internal service; a refusal made before connecting leaves it at 0.
let connections = 0;
const internal = createServer((socket) => {
  connections++;
  socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
});
let port = 0;
beforeAll(() =>
  new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve)).then(() => {
    port = (internal.address() as AddressInfo).port;
  }),
);
afterAll(() => new Promise<void>((resolve) => internal.close(() => resolve())));

const typed = (threatConnectBaseUrl: string) => ({
  threatConnectBaseUrl,
  threatConnectAccessId: "12345678901234567890",
  threatConnectSecretKey: "probe-secret",
});

describe("Test ThreatConnect cannot probe the portal's own network", () => {
  test.each([
    ["a loopback address", () => `http://127.0.0.1:${port}`, /127\.0\.0\.1, a loopback address/],
    ["a name resolving to loopback", () => `https://localhost:${port}`, /localhost resolves to .+, a loopback address/],
    ["a private address", () => "https://10.20.30.40", /10\.20\.30\.40, a private-network address/],
    ["the cloud metadata address", () => "https://169.254.169.254", /169\.254\.169\.254, a link-local address/],
  ])("%s is refused on the base URL field before any connection", async (_label, url, reason) => {
    const { org, owner } = await makeOrg();
    const before = connections;
    const error = await errorOf(callerFor(owner).service.testThreatConnect({ orgSlug: org.slug, ...typed(url()) }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors.threatConnectBaseUrl?.[0]).toMatch(reason);
    expect(error.fieldErrors.threatConnectBaseUrl?.[0]).toMatch(/only connects to public addresses/);
    expect(connections).toBe(before);
  });
});
