import { describe, expect, test } from "vitest";
import { describeErrorForLog } from "./errors";
import { ThreatConnectError } from "./threatconnect/errors";

const badKey = () =>
  new ThreatConnectError(
    "auth",
    "ThreatConnect rejected the credentials (HTTP 401): check the Access ID and Secret Key",
    {
      status: 401,
    },
  );

describe("describeErrorForLog", () => {
  test("an integration failure is one line with its integration and code, without a stack", () => {
    expect(describeErrorForLog(badKey())).toBe(
      "threatconnect auth: ThreatConnect rejected the credentials (HTTP 401): check the Access ID and Secret Key",
    );
    expect(describeErrorForLog(new ThreatConnectError("transient", "ThreatConnect answered 503"))).toBe(
      "threatconnect transient (retryable): ThreatConnect answered 503",
    );
  });

  test("an unexpected error keeps its stack", () => {
    expect(describeErrorForLog(new TypeError("x is undefined"))).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});
