import { describe, expect, it } from "vitest";
import { AUTH_MESSAGES, expectedSignature, verifyHmac } from "./hmac";

const accessId = "12345678901234567890";
const secretKey = "example-secret-key-do-not-use";
const timestamp = 1_700_000_000;
const target =
  "/api/v3/indicators?tql=typeName%20in%20%28%22Address%22%2C%22Host%22%29%20and%20lastModified%20%3E%3D%20%222024-01-01T00%3A00%3A00Z%22&fields=tags&fields=attributes&resultStart=0&resultLimit=100";

function signRequest(input: {
  accessId: string;
  secretKey: string;
  method: string;
  requestTarget: string;
  timestamp: number;
}) {
  const stamp = String(input.timestamp);
  return {
    Timestamp: stamp,
    Authorization: `TC ${input.accessId}:${expectedSignature(input.secretKey, input.requestTarget, input.method, stamp)}`,
  };
}

function verify(overrides: Partial<Parameters<typeof verifyHmac>[0]> = {}) {
  const headers = signRequest({
    accessId,
    secretKey,
    method: "GET",
    requestTarget: target,
    timestamp,
  });
  return verifyHmac({
    authorization: headers.Authorization,
    timestamp: headers.Timestamp,
    method: "GET",
    rawTarget: target,
    nowSeconds: timestamp,
    userFor: (id) => (id === accessId ? { secretKey } : undefined),
    ...overrides,
  });
}

describe("expectedSignature", () => {
  it.each([
    ["/api/v3/security/owners", "gGjsvF1jqme6aAqIMJ0iw1A4kM82t7+6qupxauKZxI8="],
    ["/api/v2/indicators/hosts/example.com?Owner=Common%20Community", "PF5lTOuGj5Dbf7Vmwc/BL2v9K1/J0dWYkr+jDI6Mz1o="],
    [target, "Ytheeh8pJT5tgRC2Ap9JeYxrHDHxhGucvQfpF4lCGFo="],
    [target.replace(/%20/g, "+"), "Z4Xjhe0O0L8tXOwmCNG856nLRssItCWfRcODIDcQRL8="],
  ])("matches ThreatConnect's documented algorithm for %s", (signedTarget, signature) => {
    expect(expectedSignature(secretKey, signedTarget, "GET", "1700000000")).toBe(signature);
  });
});

describe("verifyHmac", () => {
  it("accepts the documented worked example", () => {
    expect(
      verify({
        authorization: "TC 12345678901234567890:Ytheeh8pJT5tgRC2Ap9JeYxrHDHxhGucvQfpF4lCGFo=",
        timestamp: "1700000000",
      }),
    ).toEqual({ ok: true, accessId, user: { secretKey } });
  });

  it("verifies the raw target: the same query re-encoded with + does not match", () => {
    expect(verify({ rawTarget: target.replace(/%20/g, "+") })).toEqual({
      ok: false,
      status: 401,
      message: AUTH_MESSAGES.badSignature,
    });
  });

  it("rejects a signature made with another secret", () => {
    const forged = signRequest({
      accessId,
      secretKey: "wrong",
      method: "GET",
      requestTarget: target,
      timestamp,
    });
    expect(verify({ authorization: forged.Authorization })).toMatchObject({
      ok: false,
      message: AUTH_MESSAGES.badSignature,
    });
  });

  it("answers a bad signature, skew or timestamp with the configured status (real instances have used 400)", () => {
    const forged = signRequest({ accessId, secretKey: "wrong", method: "GET", requestTarget: target, timestamp });
    expect(verify({ authorization: forged.Authorization, badSignatureStatus: 400 })).toEqual({
      ok: false,
      status: 400,
      message: AUTH_MESSAGES.badSignature,
    });
    expect(verify({ nowSeconds: timestamp + 301, badSignatureStatus: 400 })).toMatchObject({ status: 400 });
  });

  it("rejects a different method than the one signed", () => {
    expect(verify({ method: "POST" })).toMatchObject({
      ok: false,
      message: AUTH_MESSAGES.badSignature,
    });
  });

  it("allows five minutes of clock skew and no more", () => {
    expect(verify({ nowSeconds: timestamp + 300 })).toMatchObject({ ok: true });
    expect(verify({ nowSeconds: timestamp - 300 })).toMatchObject({ ok: true });
    expect(verify({ nowSeconds: timestamp + 301 })).toEqual({
      ok: false,
      status: 401,
      message: AUTH_MESSAGES.clockSkew,
    });
  });

  it("rejects unknown access ids, malformed headers and bad timestamps", () => {
    expect(verify({ userFor: () => undefined })).toEqual({
      ok: false,
      status: 401,
      message: AUTH_MESSAGES.accessDenied,
    });
    expect(verify({ authorization: undefined })).toMatchObject({
      message: AUTH_MESSAGES.accessDenied,
    });
    expect(verify({ authorization: "Bearer abc" })).toMatchObject({
      message: AUTH_MESSAGES.accessDenied,
    });
    expect(verify({ timestamp: undefined })).toMatchObject({
      message: AUTH_MESSAGES.invalidTimestamp,
    });
    expect(verify({ timestamp: "17000000.5" })).toMatchObject({
      message: AUTH_MESSAGES.invalidTimestamp,
    });
  });
});
