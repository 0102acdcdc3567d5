import { describe, expect, test } from "vitest";
import { auditLog } from "@/db/schema";
import { AUDIT_ACTIONS } from "@/lib/vocabulary";
import { addMember, callerFor, fieldErrorsOf, makeOrg, testDb } from "@/test/db";
import { AZURE_SECRET, serviceInput, TC_SECRET } from "@/test/services";

describe("audit router", () => {
  test("lists the org's entries newest first with their actor, in stable pages", async () => {
    const { org, owner } = await makeOrg();
    const base = Date.parse("2030-01-01T00:00:00.000Z");
    // Two entries share a millisecond so the page boundary has to break the tie by id; distinct actions tell
    // the entries apart.
    const actions = AUDIT_ACTIONS.slice(0, 5);
    await testDb.insert(auditLog).values(
      [0, 1, 2, 3, 3].map((offset, index) => ({
        orgId: org.id,
        actorUserId: owner.id,
        action: actions[index] ?? "organization.created",
        targetType: "organization" as const,
        at: new Date(base + offset),
      })),
    );
    const api = callerFor(owner);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.audit.list({ orgSlug: org.slug, limit: 2, cursor });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries.map((entry) => entry.action));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.slice(2)).toEqual([actions[2], actions[1], actions[0]]);
    const [first] = (await api.audit.list({ orgSlug: org.slug, limit: 1 })).entries;
    expect(first?.actor).toEqual({ id: owner.id, name: owner.name, email: owner.email });
  });

  test("shows service changes to members, with secrets only as set/replaced", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const created = await callerFor(owner).service.create({ orgSlug: org.slug, ...serviceInput() });
    await callerFor(owner).service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      clientSecret: "another-secret-value",
    });
    const page = await callerFor(member).audit.list({ orgSlug: org.slug, targetId: created.id });
    expect(page.entries.map((entry) => entry.action)).toEqual(["service.updated", "service.created"]);
    expect(page.entries[0]?.diff).toEqual({ clientSecret: "replaced" });
    const serialized = JSON.stringify(page);
    for (const secret of [AZURE_SECRET, TC_SECRET, "another-secret-value", "v1.test-"])
      expect(serialized).not.toContain(secret);
  });

  test("outsiders get NOT_FOUND; other orgs' entries never appear; bad input names its field", async () => {
    const { org, owner } = await makeOrg();
    const { org: otherOrg, owner: outsider } = await makeOrg();
    await callerFor(owner).service.create({ orgSlug: org.slug, ...serviceInput() });
    await expect(callerFor(outsider).audit.list({ orgSlug: org.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await callerFor(outsider).audit.list({ orgSlug: otherOrg.slug })).entries).toEqual([]);
    const badCursor = await callerFor(owner)
      .audit.list({ orgSlug: org.slug, cursor: "garbage" })
      .catch((error: unknown) => error);
    expect(fieldErrorsOf(badCursor).cursor).toEqual(["Cursor is not one this list returned"]);
    const badLimit = await callerFor(owner)
      .audit.list({ orgSlug: org.slug, limit: 0 })
      .catch((error: unknown) => error);
    expect(fieldErrorsOf(badLimit).limit).toEqual(["Limit must be from 1 to 100"]);
    const fractionalLimit = await callerFor(owner)
      .audit.list({ orgSlug: org.slug, limit: 2.5 })
      .catch((error: unknown) => error);
    expect(fieldErrorsOf(fractionalLimit).limit).toEqual(["Limit must be a whole number"]);
    const emptyTarget = await callerFor(owner)
      .audit.list({ orgSlug: org.slug, targetId: "" })
      .catch((error: unknown) => error);
    expect(fieldErrorsOf(emptyTarget).targetId).toEqual(["Target id must not be empty"]);
  });
});
