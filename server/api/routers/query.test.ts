import { desc, eq, sql } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { auditLog, jobs, serviceQueries, services } from "@/db/schema";
import { addMember, callerFor, errorOf, makeOrg, recordingEventSender, testDb } from "@/test/db";
import { emulatedServiceInput, useEmulators } from "@/test/services";

const emulators = useEmulators();

const query = (tql: string, overrides: Record<string, unknown> = {}) => ({
  owners: ["Demo Organization"],
  types: ["Address" as const, "Host" as const],
  tql,
  sortField: "dateAdded" as const,
  sortDirection: "DESC" as const,
  ...overrides,
});

async function serviceWithAdmin() {
  const { org, owner } = await makeOrg();
  const api = callerFor(owner, emulators.deps);
  const service = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
  return { org, owner, api, service, orgSlug: org.slug, serviceId: service.id };
}

describe("query router: Save and Run", () => {
  test("starts the chosen update at once, as a job triggered by the save", async () => {
    const { events: sent, sender } = recordingEventSender();
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, { ...emulators.deps, events: sender });
    const service = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    const saved = await api.query.save({
      orgSlug: org.slug,
      serviceId: service.id,
      queriesVersion: 0,
      runMode: "full",
      queries: [query("rating >= 4")],
    });
    expect(saved.run).toEqual({ ok: true, requestId: expect.any(String) });
    const requestId = saved.run.ok ? saved.run.requestId : "";
    const [job] = await testDb.select().from(jobs).where(eq(jobs.requestId, requestId));
    expect(job).toMatchObject({ serviceId: service.id, mode: "full", trigger: "save", status: "queued" });
    expect(sent).toEqual([
      { name: "sync/job.requested", data: { orgId: org.id, serviceId: service.id, jobId: job?.id } },
    ]);
  });

  test("keeps the save and says why when the pipeline cannot take the update", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const saved = await api.query.save({
      orgSlug,
      serviceId,
      queriesVersion: 0,
      runMode: "delta",
      queries: [query("rating >= 4")],
    });
    expect(saved.run).toEqual({
      ok: false,
      message: expect.stringMatching(/^Saved, but the update did not start: The sync pipeline is not connected/),
    });
    expect((await api.query.list({ orgSlug, serviceId })).queries.map((q) => q.tql)).toEqual(["rating >= 4"]);
  });
});

describe("query router: ordered atomic save", () => {
  test("saves the whole list in order, records the run mode, and keeps ids across reorders", async () => {
    const { api, orgSlug, serviceId, org } = await serviceWithAdmin();
    const empty = await api.query.list({ orgSlug, serviceId });
    expect(empty).toEqual({ queriesVersion: 0, nextRunMode: "full", queries: [] });

    const first = await api.query.save({
      orgSlug,
      serviceId,
      queriesVersion: 0,
      runMode: "delta",
      queries: [query("rating >= 4"), query("confidence >= 50"), query('tag = "Phishing"')],
    });
    expect(first.queriesVersion).toBe(1);
    expect(first.nextRunMode).toBe("delta");
    expect(first.queries.map((q) => [q.position, q.tql])).toEqual([
      [0, "rating >= 4"],
      [1, "confidence >= 50"],
      [2, 'tag = "Phishing"'],
    ]);

    const [a, b, c] = first.queries;
    const reordered = await api.query.save({
      orgSlug,
      serviceId,
      queriesVersion: 1,
      runMode: "full",
      queries: [
        { ...query('tag = "Phishing"'), id: c?.id },
        { ...query("rating >= 4", { types: ["URL", "Address"] }), id: a?.id },
        query("threatAssessScore > 100"),
      ],
    });
    expect(reordered.queries.map((q) => [q.position, q.id === c?.id, q.tql])).toEqual([
      [0, true, 'tag = "Phishing"'],
      [1, false, "rating >= 4"],
      [2, false, "threatAssessScore > 100"],
    ]);
    expect(reordered.queries[1]?.id).toBe(a?.id);
    expect(reordered.queries[1]?.types).toEqual(["Address", "URL"]);
    expect(reordered.queries.some((q) => q.id === b?.id)).toBe(false);
    expect(reordered).toMatchObject({ queriesVersion: 2, nextRunMode: "full" });

    const [audit] = await testDb
      .select()
      .from(auditLog)
      .where(eq(auditLog.orgId, org.id))
      .orderBy(desc(auditLog.at))
      .limit(1);
    expect(audit).toMatchObject({ action: "service.queries_saved", targetId: serviceId });
    expect(audit?.diff).toMatchObject({ runMode: "full", queriesVersion: { before: 1, after: 2 } });
  });

  test("a save that fails part-way leaves the previous list and version untouched", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const { run: _run, ...saved } = await api.query.save({
      orgSlug,
      serviceId,
      queriesVersion: 0,
      runMode: "delta",
      queries: [query("rating >= 1"), query("rating >= 2")],
    });
    // A trigger fails the last insert, after the deletes and reorders of the same save have already run.
    const poison = `poison-${serviceId}`;
    await testDb.execute(
      sql.raw(`
      create or replace function fail_poisoned_query() returns trigger language plpgsql as $$
      begin
        if new.tql like 'poison-%' then raise exception 'poisoned query'; end if;
        return new;
      end $$;
      drop trigger if exists fail_poisoned_query on service_queries;
      create trigger fail_poisoned_query before insert on service_queries for each row execute function fail_poisoned_query();
    `),
    );
    const [first, second] = saved.queries;
    await expect(
      api.query.save({
        orgSlug,
        serviceId,
        queriesVersion: 1,
        runMode: "full",
        queries: [{ ...query("rating >= 2"), id: second?.id }, query(poison)],
      }),
    ).rejects.toThrow();
    expect(await api.query.list({ orgSlug, serviceId })).toEqual(saved);
    expect(first?.position).toBe(0);

    const unknown = await errorOf(
      api.query.save({
        orgSlug,
        serviceId,
        queriesVersion: 1,
        runMode: "full",
        queries: [{ ...query("x"), id: "00000000-0000-4000-8000-000000000000" }],
      }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    expect(await api.query.list({ orgSlug, serviceId })).toEqual(saved);
  });

  test("a save over someone else's newer save is refused with the field", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    await api.query.save({ orgSlug, serviceId, queriesVersion: 0, runMode: "delta", queries: [query("rating >= 1")] });
    const error = await errorOf(
      api.query.save({ orgSlug, serviceId, queriesVersion: 0, runMode: "delta", queries: [] }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.fieldErrors.queriesVersion?.[0]).toMatch(/Someone else saved these queries/);
  });

  test("saving an empty list deletes every query", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    await api.query.save({ orgSlug, serviceId, queriesVersion: 0, runMode: "delta", queries: [query("rating >= 1")] });
    const cleared = await api.query.save({ orgSlug, serviceId, queriesVersion: 1, runMode: "full", queries: [] });
    expect(cleared.queries).toEqual([]);
    expect(await testDb.select().from(serviceQueries).where(eq(serviceQueries.serviceId, serviceId))).toEqual([]);
  });

  test.each([
    ["owners", { owners: [] }, "Select at least one owner to query"],
    ["types", { types: [] }, "Select at least one indicator type"],
    ["types", { types: ["Mutex"] }, "Indicator types must be among"],
    ["tql", { tql: " " }, "TQL is required"],
    ["sortField", { sortField: "id" }, "Sort field must be one of dateAdded"],
    ["sortDirection", { sortDirection: "UP" }, "Sort direction must be ASC or DESC"],
  ])("a query with a bad %s is refused with the reason", async (_field, overrides, message) => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const error = await errorOf(
      api.query.save({
        orgSlug,
        serviceId,
        queriesVersion: 0,
        runMode: "delta",
        queries: [query("rating >= 1", overrides)],
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors.queries?.join(" ")).toContain(message);
  });

  test("run mode and duplicate ids are validated", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const badMode = await errorOf(
      api.query.save({ orgSlug, serviceId, queriesVersion: 0, runMode: "partial" as "full", queries: [] }),
    );
    expect(badMode.fieldErrors.runMode).toEqual(["Run mode must be delta or full"]);
    const badVersion = await errorOf(
      api.query.save({ orgSlug, serviceId, queriesVersion: 0.5, runMode: "full", queries: [] }),
    );
    expect(badVersion.fieldErrors.queriesVersion).toEqual(["Queries version must be a whole number"]);
    const id = "00000000-0000-4000-8000-000000000001";
    const duplicate = await errorOf(
      api.query.save({
        orgSlug,
        serviceId,
        queriesVersion: 0,
        runMode: "full",
        queries: [
          { ...query("a"), id },
          { ...query("b"), id },
        ],
      }),
    );
    expect(duplicate.fieldErrors.queries).toEqual(["The same query appears twice in the list"]);
  });
});

describe("query router: validate and preview against the ThreatConnect emulator", () => {
  test("validate returns the match count for a good TQL and ThreatConnect's error for a bad one", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const good = await api.query.validate({ orgSlug, serviceId, tql: "rating >= 3", owners: ["Demo Organization"] });
    expect(good.ok).toBe(true);
    expect(good.ok && good.count).toBeGreaterThan(0);
    const bad = await api.query.validate({ orgSlug, serviceId, tql: "rating >>= 3" });
    expect(bad).toMatchObject({ ok: false, code: "invalid_tql" });
    expect(bad.ok ? "" : bad.message.length).toBeGreaterThan(10);
  });

  test("preview shows at most 20 indicators with the STIX each would become, and sends nothing", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    const uploadsBefore = emulators.azure.control.requests().length;
    const preview = await api.query.preview({
      orgSlug,
      serviceId,
      query: query("rating >= 0", {
        owners: ["Demo Organization", "Demo Source"],
        types: ["Address", "Host", "URL", "File"],
      }),
    });
    if (!preview.ok) throw new Error(`preview failed: ${preview.message}`);
    expect(preview.rows.length).toBe(20);
    expect(preview.total).toBeGreaterThan(20);
    expect(preview.sourcesystem).toBe("ThreatConnect-Prod");
    const mapped = preview.rows.flatMap((row) => (row.mapping.ok ? [row.mapping.object] : []));
    expect(mapped.length).toBeGreaterThan(0);
    for (const object of mapped)
      expect(object).toMatchObject({ type: "indicator", spec_version: "2.1", pattern_type: "stix" });
    expect(emulators.azure.control.requests().length).toBe(uploadsBefore);
  });

  test("preview reports a mapping error per indicator instead of failing the whole preview", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    await testDb
      .update(services)
      .set({
        ttlHours: {
          Address: 0,
          ASN: 1,
          CIDR: 1,
          EmailAddress: 1,
          "Email Subject": 1,
          File: 1,
          Host: 1,
          "Registry Key": 1,
          URL: 1,
        },
      })
      .where(eq(services.id, serviceId));
    const preview = await api.query.preview({
      orgSlug,
      serviceId,
      query: query("rating >= 0", { types: ["Address"] }),
    });
    if (!preview.ok) throw new Error(`preview failed: ${preview.message}`);
    expect(preview.rows.length).toBeGreaterThan(0);
    for (const row of preview.rows)
      expect(row.mapping).toMatchObject({ ok: false, error: { field: "ttlHours.Address" } });
  });

  test("preview of a bad TQL gives ThreatConnect's error", async () => {
    const { api, orgSlug, serviceId } = await serviceWithAdmin();
    expect(await api.query.preview({ orgSlug, serviceId, query: query("summary ~~ 'x'") })).toMatchObject({
      ok: false,
      code: "invalid_tql",
    });
  });
});

describe("query router: tenancy and roles", () => {
  test("outsiders get NOT_FOUND everywhere; members list, validate and preview but cannot save", async () => {
    const { org, api, orgSlug, serviceId } = await serviceWithAdmin();
    await api.query.save({ orgSlug, serviceId, queriesVersion: 0, runMode: "full", queries: [query("rating >= 1")] });
    const { user: member } = await addMember(org.id, "member");
    const { org: otherOrg, owner: outsider } = await makeOrg();

    const calls = (user: { id: string; email: string }, slug: string) => {
      const caller = callerFor(user, emulators.deps);
      return {
        list: () => caller.query.list({ orgSlug: slug, serviceId }),
        save: () => caller.query.save({ orgSlug: slug, serviceId, queriesVersion: 1, runMode: "full", queries: [] }),
        validate: () => caller.query.validate({ orgSlug: slug, serviceId, tql: "rating >= 1" }),
        preview: () => caller.query.preview({ orgSlug: slug, serviceId, query: query("rating >= 1") }),
      };
    };
    for (const slug of [orgSlug, otherOrg.slug]) {
      for (const [name, call] of Object.entries(calls(outsider, slug))) {
        expect((await errorOf(call())).code, `${name} via ${slug}`).toBe("NOT_FOUND");
      }
    }
    const asMember = calls(member, orgSlug);
    expect((await errorOf(asMember.save())).code).toBe("FORBIDDEN");
    expect((await asMember.list()).queries).toHaveLength(1);
    expect((await asMember.validate()).ok).toBe(true);
    expect((await asMember.preview()).ok).toBe(true);
  });

  test("a query id from another org's service is NOT_FOUND and that query is left untouched", async () => {
    const victim = await serviceWithAdmin();
    const [victimQuery] = (
      await victim.api.query.save({
        orgSlug: victim.orgSlug,
        serviceId: victim.serviceId,
        queriesVersion: 0,
        runMode: "full",
        queries: [query("rating >= 1")],
      })
    ).queries;
    const attacker = await serviceWithAdmin();

    const error = await errorOf(
      attacker.api.query.save({
        orgSlug: attacker.orgSlug,
        serviceId: attacker.serviceId,
        queriesVersion: 0,
        runMode: "full",
        queries: [{ ...query("rating >= 5"), id: victimQuery?.id }],
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(error.fieldErrors.queries).toEqual(["A query in the list no longer exists; reload and edit again"]);
    const [stored] = await testDb
      .select()
      .from(serviceQueries)
      .where(eq(serviceQueries.id, victimQuery?.id ?? ""));
    expect(stored).toMatchObject({ serviceId: victim.serviceId, orgId: victim.org.id, tql: "rating >= 1" });
  });
});
