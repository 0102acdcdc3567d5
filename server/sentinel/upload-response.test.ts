import { describe, expect, it } from "vitest";
import { SentinelConfigError, SentinelRequestError, SentinelTransientError } from "./errors";
import type { SentinelConnection } from "./types";
import { interpretResponse, isRoleRefusal, isTokenRefusal } from "./upload-response";

const connection: SentinelConnection = {
  cloud: "public",
  tenantId: "5e7c2a1b-3d4f-4a6b-8c9d-0e1f2a3b4c5d",
  clientId: "9a8b7c6d-5e4f-4321-9abc-def012345678",
  clientSecret: "never-shown",
  workspaceId: "3c1d5e7f-9a2b-4c6d-8e0f-1a2b3c4d5e6f",
  api: "stix-objects",
};
const request = {
  objects: [{ id: "indicator--00000000-0000-4000-8000-000000000001", type: "indicator" }],
  connection,
  url: "https://api.ti.sentinel.azure.com/workspaces/x/threat-intelligence-stix-objects:upload",
  now: new Date("2026-03-01T12:00:00.000Z"),
};
const response = (status: number, body: unknown) => ({
  status,
  headers: new Headers(),
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("telling a missing role from a token problem", () => {
  const unauthorizedAccess = { error: { code: "UnauthorizedAccess", message: "no permission" } };

  it("reads UnauthorizedAccess as the role on 401 and 403, and any other 403 as the role too", () => {
    expect(isRoleRefusal(response(401, unauthorizedAccess))).toBe(true);
    expect(isRoleRefusal(response(403, unauthorizedAccess))).toBe(true);
    expect(isRoleRefusal(response(403, { error: { code: "AuthorizationFailed", message: "x" } }))).toBe(true);
    expect(isTokenRefusal(response(401, unauthorizedAccess))).toBe(false);
  });

  it("reads a 401 with the documented token body, or no body, as the token", () => {
    const tokenBody = { statusCode: 401, message: "Unauthorized. Access token is missing or invalid." };
    expect(isTokenRefusal(response(401, tokenBody))).toBe(true);
    expect(isTokenRefusal(response(401, ""))).toBe(true);
    expect(isRoleRefusal(response(401, tokenBody))).toBe(false);
  });

  it("throws the role error without the secret", () => {
    const thrown = (() => {
      try {
        return interpretResponse(response(401, unauthorizedAccess), request);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SentinelConfigError);
    expect(thrown).toMatchObject({
      code: "missing_sentinel_role",
      message: expect.stringContaining("HTTP 401, UnauthorizedAccess"),
    });
    expect((thrown as Error).message).not.toContain("never-shown");
  });
});

describe("400 bodies", () => {
  it("reads per-record reasons under either key", () => {
    const body = {
      errors: [
        { recordIndex: 0, errorMessages: ["first"] },
        { recordIndex: 0, validationErrorMessages: ["second"] },
      ],
    };
    expect(interpretResponse(response(400, body), request)).toEqual({
      accepted: 0,
      rejected: [{ index: 0, objectId: request.objects[0]?.id, messages: ["first", "second"] }],
    });
  });

  it("keeps a 400 without record errors, or with an empty list, a request error with Sentinel's message", () => {
    for (const body of [
      { errors: [] },
      { error: { code: "InvalidRequestBodyProperty(RequestBody)", message: "Body is not JSON." } },
    ]) {
      expect(() => interpretResponse(response(400, body), request)).toThrow(SentinelRequestError);
    }
    expect(() =>
      interpretResponse(response(400, { error: { code: "X", message: "Body is not JSON." } }), request),
    ).toThrow("Sentinel rejected the request (HTTP 400): Body is not JSON.");
  });

  it("treats a 200 whose body is not the documented shape as transient", () => {
    expect(() => interpretResponse(response(200, "<html>"), request)).toThrow(SentinelTransientError);
  });
});
