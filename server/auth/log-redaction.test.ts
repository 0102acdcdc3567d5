import { describe, expect, test } from "vitest";
import { describeAuthErrorForLog, redactForLog } from "./log-redaction";

describe("auth log redaction", () => {
  test("drops emails, IPv4 and IPv6 addresses, JWTs, bearer tokens and token fields", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ";
    const text = [
      "OAuthAccountNotLinked for Ada.Lovelace+x@example.co.uk from 203.0.113.9 and 2001:db8::17 (::ffff:198.51.100.4)",
      `id_token: ${jwt}, access_token="opaque-token-value" refresh_token=abc123`,
      "Authorization: Bearer sk_live_abcdef",
      `raw ${"A".repeat(40)} end`,
    ].join("\n");
    const redacted = redactForLog(text);
    for (const secret of ["Ada.Lovelace", "example.co.uk", "203.0.113.9", "2001:db8::17", "198.51.100.4"]) {
      expect(redacted).not.toContain(secret);
    }
    for (const secret of [jwt, "opaque-token-value", "abc123", "sk_live_abcdef", "A".repeat(40)]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain("OAuthAccountNotLinked for [email] from [ip]");
  });

  test("keeps the error's name and its causes' messages, minus personal data", () => {
    const error = new Error("CallbackRouteError", {
      cause: new Error("Read more at https://errors.authjs.dev for user bob@example.test"),
    });
    const logged = describeAuthErrorForLog(error);
    expect(logged).toMatch(/^Error: CallbackRouteError/);
    expect(logged).toContain("Caused by: Error: Read more at https://errors.authjs.dev for user [email]");
    expect(logged).not.toContain("bob@example.test");
  });
});
