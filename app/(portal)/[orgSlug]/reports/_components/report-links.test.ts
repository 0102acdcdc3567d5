import { describe, expect, test } from "vitest";
import { canReadOutbox, reportLinks } from "./report-links";

describe("REPORTS tabs", () => {
  test("owners and admins see the Notifications tab; members do not", () => {
    const labels = (role: "owner" | "admin" | "member") => reportLinks("acme", role).map((link) => link.label);
    expect(labels("owner")).toEqual(["Overview", "Errors", "Notifications"]);
    expect(labels("admin")).toEqual(["Overview", "Errors", "Notifications"]);
    expect(labels("member")).toEqual(["Overview", "Errors"]);
    expect(reportLinks("acme", "admin").at(-1)?.href).toBe("/acme/reports/notifications");
  });

  test("only owners and admins may read the outbox", () => {
    expect([canReadOutbox("owner"), canReadOutbox("admin"), canReadOutbox("member")]).toEqual([true, true, false]);
  });
});
