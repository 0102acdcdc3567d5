import { describe, expect, test } from "vitest";
import { RUN_MODE_EXPLANATIONS } from "./configure-types";

describe("the Save and Run dialog's mode explanations", () => {
  test("a full update does not claim to send every indicator: unchanged ones are skipped, unmatched ones revoked", () => {
    expect(RUN_MODE_EXPLANATIONS.full).not.toMatch(/sends every indicator/);
    expect(RUN_MODE_EXPLANATIONS.full).toContain("re-evaluates every indicator the queries match");
    expect(RUN_MODE_EXPLANATIONS.full).toContain("skips what Sentinel already has unchanged");
    expect(RUN_MODE_EXPLANATIONS.full).toContain("revokes what it sent earlier that no longer matches");
  });

  test("a delta update only asks for what changed since the last successful run", () => {
    expect(RUN_MODE_EXPLANATIONS.delta).toContain("modified since the last successful run");
    expect(RUN_MODE_EXPLANATIONS.delta).toContain("revokes those deleted in ThreatConnect");
  });
});
