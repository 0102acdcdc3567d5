import { describe, expect, test } from "vitest";
import { callerFor, makeOrg } from "@/test/db";
import { emulatedServiceInput, useEmulators } from "@/test/services";

const emulators = useEmulators();

const query = {
  owners: ["Demo Organization"],
  types: ["Address" as const, "Host" as const],
  tql: "rating >= 0",
  sortField: "dateAdded" as const,
  sortDirection: "DESC" as const,
};

describe("preview of a page ThreatConnect sent with one unreadable indicator", () => {
  test("shows that indicator as a mapping error on its own row and maps the rest", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const service = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    const input = { orgSlug: org.slug, serviceId: service.id, query };
    const before = await api.query.preview(input);
    if (!before.ok) throw new Error(`preview failed: ${before.message}`);
    const victim = before.rows[2]?.indicator;
    emulators.threatConnect.control.setFaults({ malformedIndicatorIds: [victim?.id ?? ""] });
    const preview = await api.query.preview(input).finally(() => {
      emulators.threatConnect.control.setFaults({ malformedIndicatorIds: [] });
    });
    if (!preview.ok) throw new Error(`preview failed: ${preview.message}`);
    expect(preview.rows).toHaveLength(before.rows.length);
    const failed = preview.rows.filter((row) => !row.mapping.ok);
    expect(failed).toEqual([
      {
        indicator: { id: victim?.id, type: victim?.type, summary: "", ownerName: "Demo Organization" },
        mapping: { ok: false, error: { field: "summary", message: expect.stringContaining("string") } },
      },
    ]);
  });
});
