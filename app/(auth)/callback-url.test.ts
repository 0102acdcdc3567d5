import { describe, expect, test } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  test("keeps same-site paths", () => {
    expect(safeCallbackUrl("/acme/configure?tab=queries")).toBe("/acme/configure?tab=queries");
    expect(safeCallbackUrl("/invite/abc")).toBe("/invite/abc");
  });

  test.each([
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "javascript:alert(1)",
    "",
    null,
    undefined,
  ])("sends %s to the org picker instead", (candidate) => {
    expect(safeCallbackUrl(candidate)).toBe("/orgs");
  });
});
