import { describe, expect, test } from "vitest";
import { callerFor, errorOf, makeOrg } from "@/test/db";

const cursorOf = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("audit list cursor", () => {
  test.each([
    ["an id of hyphens", cursorOf(`2026-01-01T00:00:00.000Z|${"-".repeat(36)}`)],
    ["an id that is not a UUID", cursorOf("2026-01-01T00:00:00.000Z|zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")],
    ["a year Postgres cannot store", cursorOf("-271821-04-20T00:00:00.000Z|6f1c1f4e-2b8a-4c1e-9d6a-0f0b5d1e2a3c")],
    ["a date that is not canonical", cursorOf("2026-02-30T00:00:00.000Z|6f1c1f4e-2b8a-4c1e-9d6a-0f0b5d1e2a3c")],
    ["extra fields", cursorOf("2026-01-01T00:00:00.000Z|6f1c1f4e-2b8a-4c1e-9d6a-0f0b5d1e2a3c|x")],
  ])("a cursor with %s is a 400 on the cursor field, not a server error", async (_case, cursor) => {
    const { org, owner } = await makeOrg();
    const error = await errorOf(callerFor(owner).audit.list({ orgSlug: org.slug, cursor }));
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { cursor: ["Cursor is not one this list returned"] },
    });
  });

  test("a well-formed cursor still pages", async () => {
    const { org, owner } = await makeOrg();
    await callerFor(owner).organization.rename({ orgSlug: org.slug, name: "Renamed For Paging" });
    const cursor = cursorOf("2999-01-01T00:00:00.000Z|6f1c1f4e-2b8a-4c1e-9d6a-0f0b5d1e2a3c");
    const page = await callerFor(owner).audit.list({ orgSlug: org.slug, cursor });
    expect(page.entries.map((entry) => entry.action)).toEqual(["organization.renamed"]);
  });
});
