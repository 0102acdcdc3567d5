import { describe, expect, it } from "vitest";
import { encodeQueryComponent, signRequest } from "./sign-request";

const accessId = "12345678901234567890";
const secretKey = "example-secret-key-do-not-use";
const timestamp = 1_700_000_000;

function authorization(requestTarget: string): string {
  return signRequest({
    accessId,
    secretKey,
    method: "get",
    requestTarget,
    timestamp,
  }).Authorization;
}

describe("signRequest", () => {
  it("matches the worked example for the owners endpoint", () => {
    expect(
      signRequest({
        accessId,
        secretKey,
        method: "GET",
        requestTarget: "/api/v3/security/owners",
        timestamp,
      }),
    ).toEqual({
      Timestamp: "1700000000",
      Authorization: "TC 12345678901234567890:gGjsvF1jqme6aAqIMJ0iw1A4kM82t7+6qupxauKZxI8=",
    });
  });

  it("matches the worked example for a v2 owner query", () => {
    expect(authorization("/api/v2/indicators/hosts/example.com?Owner=Common%20Community")).toBe(
      "TC 12345678901234567890:PF5lTOuGj5Dbf7Vmwc/BL2v9K1/J0dWYkr+jDI6Mz1o=",
    );
  });

  it("signs the query bytes as sent, so %20 and + encodings give different signatures", () => {
    const tail = "&fields=tags&fields=attributes&resultStart=0&resultLimit=100";
    const percent =
      "/api/v3/indicators?tql=typeName%20in%20%28%22Address%22%2C%22Host%22%29%20and%20lastModified%20%3E%3D%20%222024-01-01T00%3A00%3A00Z%22" +
      tail;
    const plus =
      "/api/v3/indicators?tql=typeName+in+%28%22Address%22%2C%22Host%22%29+and+lastModified+%3E%3D+%222024-01-01T00%3A00%3A00Z%22" +
      tail;
    expect(authorization(percent)).toBe("TC 12345678901234567890:Ytheeh8pJT5tgRC2Ap9JeYxrHDHxhGucvQfpF4lCGFo=");
    expect(authorization(plus)).toBe("TC 12345678901234567890:Z4Xjhe0O0L8tXOwmCNG856nLRssItCWfRcODIDcQRL8=");
  });

  it("our query encoding reproduces the documented %20 request target", () => {
    const tql = 'typeName in ("Address","Host") and lastModified >= "2024-01-01T00:00:00Z"';
    expect(`tql=${encodeQueryComponent(tql)}`).toBe(
      "tql=typeName%20in%20%28%22Address%22%2C%22Host%22%29%20and%20lastModified%20%3E%3D%20%222024-01-01T00%3A00%3A00Z%22",
    );
  });

  it("encodes characters the URL parser would otherwise rewrite", () => {
    const encoded = encodeQueryComponent(`summary = 'it's' AND x!*`);
    expect(new URL(`http://127.0.0.1/?q=${encoded}`).search).toBe(`?q=${encoded}`);
  });

  it("treats secrets with $ and + as opaque bytes", () => {
    const first = signRequest({
      accessId,
      secretKey: "$$ab+c",
      method: "GET",
      requestTarget: "/api",
      timestamp,
    });
    const second = signRequest({
      accessId,
      secretKey: "$ab+c",
      method: "GET",
      requestTarget: "/api",
      timestamp,
    });
    expect(first.Authorization).not.toBe(second.Authorization);
  });
});
