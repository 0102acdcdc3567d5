import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callerFor, errorOf, makeOrg } from "@/test/db";
import { serviceInput } from "@/test/services";

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

  test("a saved service's client (owners, validate, preview, sync) is refused the same way", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const service = await api.service.create({
      orgSlug: org.slug,
      ...serviceInput({ threatConnectBaseUrl: `http://127.0.0.1:${port}` }),
    });
    const before = connections;
    const error = await errorOf(api.service.owners({ orgSlug: org.slug, serviceId: service.id }));
    expect(error).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/127\.0\.0\.1, a loopback address/),
    });
    expect(connections).toBe(before);
  });
});
