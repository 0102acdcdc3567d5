import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assertPublicAddress, OutboundDestinationRefused, outboundRefusalIn } from "./destinations";
import { createOutboundPolicy } from "./outbound-policy";

let connections = 0;
const server = http.createServer((_request, response) => response.end("internal secret"));
server.on("connection", () => connections++);
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(url: URL, agent: http.Agent): Promise<string> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { agent }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
  });
}

describe("outbound policy", () => {
  test("an address literal on loopback is refused before any connection is attempted", async () => {
    const policy = createOutboundPolicy({});
    const before = connections;
    const url = new URL(`http://127.0.0.1:${port}/api/v3/security/owners`);
    const error = await get(url, policy.agentFor(url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundDestinationRefused);
    expect((error as Error).message).toMatch(/127\.0\.0\.1, a loopback address; the portal only connects to public/);
    expect(connections).toBe(before);
  });

  test("a name is refused on the address it resolves to at connect time", async () => {
    const policy = createOutboundPolicy({});
    const before = connections;
    const url = new URL(`http://localhost:${port}/`);
    const error = await get(url, policy.agentFor(url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundDestinationRefused);
    expect((error as Error).message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(connections).toBe(before);
  });

  test("https agents refuse too, including bracketed IPv6 literals", async () => {
    const policy = createOutboundPolicy({});
    const url = new URL(`https://[::1]:${port}/`);
    const error = await get(url, policy.agentFor(url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "OutboundDestinationRefused", range: "loopback" });
  });

  test("exactly the allowlisted host:port gets through; the same host on another port does not", async () => {
    const policy = createOutboundPolicy({ allowlist: ` 127.0.0.1:${port} , emulator.test:8410` });
    const before = connections;
    const allowed = new URL(`http://127.0.0.1:${port}/`);
    expect(policy.isAllowlisted(allowed)).toBe(true);
    expect(await get(allowed, policy.agentFor(allowed))).toBe("internal secret");
    expect(connections).toBe(before + 1);
    const otherPort = new URL(`http://127.0.0.1:${port + 1}/`);
    expect(policy.isAllowlisted(otherPort)).toBe(false);
    await expect(get(otherPort, policy.agentFor(otherPort))).rejects.toBeInstanceOf(OutboundDestinationRefused);
    expect(policy.isAllowlisted(new URL("https://emulator.test:8410/api"))).toBe(true);
    expect(policy.isAllowlisted(new URL("https://emulator.test/api"))).toBe(false);
  });

  test.each([
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["fc00::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "ipv4Mapped"],
    ["64:ff9b::7f00:1", "rfc6052"],
  ])("%s is refused as %s", (address, range) => {
    expect(() => assertPublicAddress(address, address)).toThrow(expect.objectContaining({ range }));
  });

  test.each(["8.8.8.8", "2606:4700:4700::1111"])("%s is public", (address) => {
    expect(() => assertPublicAddress(address, address)).not.toThrow();
  });

  test("the refusal is found however deeply a client wrapped it", () => {
    const refusal = new OutboundDestinationRefused("tc.internal", "10.0.0.5", "private");
    const wrapped = new Error("network error", { cause: new Error("request failed", { cause: refusal }) });
    expect(outboundRefusalIn(wrapped)).toBe(refusal);
    expect(outboundRefusalIn(new Error("plain"))).toBeUndefined();
    expect(refusal.message).toMatch(/^tc\.internal resolves to 10\.0\.0\.5, a private-network address/);
  });
});
