import { and, desc, eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { auditLog, services } from "@/db/schema";
import { addMember, callerFor, errorOf, makeOrg, testDb, testDeps } from "@/test/db";
import { DEFAULT_TTL_HOURS } from "@/server/stix";
import { AZURE_SECRET, emulatedServiceInput, serviceInput, TC_SECRET, useEmulators } from "@/test/services";

const emulators = useEmulators();

async function lastAudit(orgId: string) {
  const [entry] = await testDb
    .select()
    .from(auditLog)
    .where(eq(auditLog.orgId, orgId))
    .orderBy(desc(auditLog.at))
    .limit(1);
  return entry;
}

/** Anything a procedure returned, as the client would receive it, must not contain a secret or its ciphertext. */
function expectNoSecrets(...outputs: unknown[]) {
  const serialized = JSON.stringify(outputs);
  for (const secret of [
    AZURE_SECRET,
    TC_SECRET,
    emulators.azure.clientSecret,
    emulators.threatConnect.secretKey,
    "v1.test-",
  ]) {
    expect(serialized).not.toContain(secret);
  }
}

describe("service router: validation", () => {
  test.each([
    ["name", "", "Name is required"],
    ["name", "x".repeat(101), "Name must be at most 100 characters"],
    ["azureCloud", "china", "Azure cloud must be public or usgov"],
    ["sentinelApi", "graph", "Sentinel API must be stix-objects or legacy-indicators"],
    ["tenantId", "not-a-guid", "Tenant ID must be a GUID"],
    ["clientId", "1234", "Client ID must be a GUID"],
    ["workspaceId", "3c1d5e7f-9a2b-4c6d-8e0f-1a2b3c4d5e6", "Workspace ID must be a GUID"],
    ["clientSecret", "", "Client secret is required"],
    ["sourceName", "", "Source name is required"],
    ["sourceName", "s".repeat(101), "Source name must be at most 100 characters"],
    ["sourceName", "bad\u0007name", "Source name must not contain control characters"],
    ["threatConnectBaseUrl", "not a url", "ThreatConnect base URL must be a URL"],
    ["threatConnectBaseUrl", "http://companyabc.threatconnect.com", "must start with https://"],
    ["threatConnectBaseUrl", "https://user:pw@companyabc.threatconnect.com", "must not contain credentials"],
    ["threatConnectAccessId", "  ", "ThreatConnect access ID is required"],
    ["threatConnectSecretKey", "", "ThreatConnect secret key is required"],
    ["scheduleIntervalHours", 0, "Schedule interval hours must be from 1 to 168"],
    ["scheduleIntervalHours", 169, "Schedule interval hours must be from 1 to 168"],
    ["scheduleIntervalHours", 1.5, "Schedule interval hours must be a whole number"],
    ["ttlHours", { Address: 0 }, "TTL hours for Address must be from 1 to 8760"],
    ["notificationEmails", ["ops@example.com", "nope"], "Each notification email must be a valid email address"],
    ["maxRestartAttempts", -1, "Max restart attempts must be from 0 to 100"],
    ["maxRestartAttempts", 101, "Max restart attempts must be from 0 to 100"],
    ["failureNotificationThreshold", 0, "Failed runs before notifying must be from 1 to 100"],
    ["failureNotificationThreshold", 101, "Failed runs before notifying must be from 1 to 100"],
    ["failureNotificationThreshold", 2.5, "Failed runs before notifying must be a whole number"],
    ["failureNotificationThreshold", "3", "Failed runs before notifying must be a number"],
    ["failureNotificationThreshold", null, "Failed runs before notifying must be a number"],
    ["isEnabled", "yes", "Enabled must be true or false"],
  ])("%s = %j is refused with its field and reason", async (field, value, message) => {
    const { org, owner } = await makeOrg();
    const input =
      field === "ttlHours"
        ? serviceInput({ ttlHours: { ...DEFAULT_TTL_HOURS, ...(value as object) } })
        : serviceInput({ [field]: value });
    const error = await errorOf(callerFor(owner).service.create({ orgSlug: org.slug, ...input }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors[field]?.join(" ")).toContain(message);
  });

  test("every TTL type is validated and named in its message", async () => {
    const { org, owner } = await makeOrg();
    const ttlHours = {
      Address: 1,
      ASN: 1,
      CIDR: 1,
      EmailAddress: 1,
      "Email Subject": 1,
      File: 1,
      Host: 1,
      "Registry Key": 8761,
      URL: 8760,
    };
    const error = await errorOf(callerFor(owner).service.create({ orgSlug: org.slug, ...serviceInput({ ttlHours }) }));
    expect(error.fieldErrors.ttlHours).toEqual(["TTL hours for Registry Key must be from 1 to 8760"]);
  });

  test("defaults fill what the form leaves out, and loopback http is allowed for the emulator", async () => {
    const { org, owner } = await makeOrg();
    const created = await callerFor(owner).service.create({
      orgSlug: org.slug,
      ...serviceInput({
        threatConnectBaseUrl: "http://127.0.0.1:8443/api/",
        tenantId: "5E7C2A1B-3D4F-4A6B-8C9D-0E1F2A3B4C5D",
      }),
    });
    expect(created).toMatchObject({
      isEnabled: true,
      azureCloud: "public",
      sentinelApi: "stix-objects",
      scheduleIntervalHours: 24,
      maxRestartAttempts: 10,
      failureNotificationThreshold: 3,
      notificationEmails: [],
      nextRunMode: "full",
      queriesVersion: 0,
      lastSuccessfulRunAt: null,
      effectiveSourceName: "ThreatConnect-Prod",
      threatConnectBaseUrl: "http://127.0.0.1:8443/api",
      tenantId: "5e7c2a1b-3d4f-4a6b-8c9d-0e1f2a3b4c5d",
    });
    expect(Object.values(created.ttlHours)).toEqual(Array(9).fill(720));
    expect(created.secrets.clientSecret.isSet).toBe(true);
  });

  test("names are unique per org (field-level CONFLICT), not across orgs; slugs derive from names", async () => {
    const { org, owner } = await makeOrg();
    const { org: otherOrg, owner: otherOwner } = await makeOrg();
    const api = callerFor(owner);
    const first = await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Prod Workspace" }) });
    expect(first.slug).toBe("prod-workspace");
    const clash = await errorOf(api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Prod Workspace" }) }));
    expect(clash.code).toBe("CONFLICT");
    expect(clash.fieldErrors.name).toEqual(['A service named "Prod Workspace" already exists in this organization']);
    const similar = await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Prod workspace!" }) });
    expect(similar.slug).toBe("prod-workspace-2");
    const elsewhere = await callerFor(otherOwner).service.create({
      orgSlug: otherOrg.slug,
      ...serviceInput({ name: "Prod Workspace" }),
    });
    expect(elsewhere.slug).toBe("prod-workspace");
    const renameClash = await errorOf(
      api.service.update({ orgSlug: org.slug, serviceId: similar.id, name: "Prod Workspace" }),
    );
    expect(renameClash.fieldErrors.name).toBeDefined();
    const accented = await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Crème Brûlée" }) });
    expect(accented.slug).toBe("creme-brulee");
  });
});

describe("service router: secrets", () => {
  test("are encrypted at rest under the active key and never returned by any procedure", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const [row] = await testDb.select().from(services).where(eq(services.id, created.id));
    expect(row?.clientSecretEncrypted).toMatch(/^v1\.test-a\./);
    expect(row?.threatConnectSecretKeyEncrypted).not.toContain(TC_SECRET);
    const cipher = testDeps().cipher;
    expect(cipher.decrypt(row?.clientSecretEncrypted ?? "", { rowId: created.id, field: "clientSecret" })).toBe(
      AZURE_SECRET,
    );

    const updated = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      sourceName: "Renamed",
      clientSecret: `${AZURE_SECRET}-2`,
    });
    expectNoSecrets(
      created,
      updated,
      await api.service.list({ orgSlug: org.slug }),
      await api.service.bySlug({ orgSlug: org.slug, serviceSlug: created.slug }),
      await callerFor(member).service.list({ orgSlug: org.slug }),
      await api.audit.list({ orgSlug: org.slug }),
    );
    expect(JSON.stringify(updated)).not.toContain(`${AZURE_SECRET}-2`);
  });

  test("replacing a secret re-encrypts it, moves its date and is audited as replaced, never by value", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const creationAudit = await lastAudit(org.id);
    expect(creationAudit).toMatchObject({ action: "service.created", actorUserId: owner.id });
    expect(creationAudit?.diff).toMatchObject({
      clientSecret: "set",
      threatConnectSecretKey: "set",
      name: created.name,
    });

    const updated = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      threatConnectSecretKey: "a-new-tc-secret",
    });
    expect(updated.secrets.threatConnectSecretKey.updatedAt.getTime()).toBeGreaterThan(
      created.secrets.threatConnectSecretKey.updatedAt.getTime(),
    );
    expect(updated.secrets.clientSecret.updatedAt).toEqual(created.secrets.clientSecret.updatedAt);
    const audit = await lastAudit(org.id);
    expect(audit?.diff).toEqual({ threatConnectSecretKey: "replaced" });
    expect(JSON.stringify(audit)).not.toContain("a-new-tc-secret");
  });

  test("the saved secret key is never sent to a changed ThreatConnect host: changing it needs the key again", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const error = await errorOf(
      api.service.update({
        orgSlug: org.slug,
        serviceId: created.id,
        threatConnectBaseUrl: "https://attacker.example",
      }),
    );
    expect(error.fieldErrors.threatConnectSecretKey).toEqual([
      "Re-enter the ThreatConnect secret key when changing the base URL or access ID",
    ]);
    const moved = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      threatConnectBaseUrl: "https://other.threatconnect.com",
      threatConnectSecretKey: "key-for-the-other-host",
    });
    expect(moved.threatConnectBaseUrl).toBe("https://other.threatconnect.com");
  });

  test("without configured keys, saving a service fails with a clear message", async () => {
    const { org, owner } = await makeOrg();
    const { createAppDependencies } = await import("@/server/deps");
    const error = await errorOf(
      callerFor(owner, createAppDependencies({})).service.create({ orgSlug: org.slug, ...serviceInput() }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/set CREDENTIALS_ENCRYPTION_KEYS/);
  });
});

describe("service router: update, delete and audit", () => {
  test("update records before/after of changed fields only; a no-op writes nothing", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput({ name: "Alpha" }) });
    const updated = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      name: "Beta",
      scheduleIntervalHours: 6,
      isEnabled: true,
    });
    expect(updated).toMatchObject({ name: "Beta", slug: "beta", scheduleIntervalHours: 6 });
    expect((await lastAudit(org.id))?.diff).toEqual({
      name: { before: "Alpha", after: "Beta" },
      scheduleIntervalHours: { before: 24, after: 6 },
    });
    const auditCount = (await testDb.select().from(auditLog).where(eq(auditLog.orgId, org.id))).length;
    await api.service.update({ orgSlug: org.slug, serviceId: created.id, name: "Beta" });
    expect((await testDb.select().from(auditLog).where(eq(auditLog.orgId, org.id))).length).toBe(auditCount);

    // The form resends every TTL; jsonb hands them back in another key order, which is still no change.
    const reordered = Object.fromEntries(Object.entries(created.ttlHours).reverse()) as typeof created.ttlHours;
    await api.service.update({ orgSlug: org.slug, serviceId: created.id, ttlHours: reordered });
    expect((await testDb.select().from(auditLog).where(eq(auditLog.orgId, org.id))).length).toBe(auditCount);
  });

  test("the failure notification threshold is saved from 1 to 100 and audited; an update outside it keeps the old", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({
      orgSlug: org.slug,
      ...serviceInput({ failureNotificationThreshold: 1 }),
    });
    expect(created.failureNotificationThreshold).toBe(1);
    const updated = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      failureNotificationThreshold: 100,
    });
    expect(updated.failureNotificationThreshold).toBe(100);
    expect((await lastAudit(org.id))?.diff).toEqual({ failureNotificationThreshold: { before: 1, after: 100 } });
    const refused = await errorOf(
      api.service.update({ orgSlug: org.slug, serviceId: created.id, failureNotificationThreshold: 0 }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.fieldErrors.failureNotificationThreshold).toEqual([
      "Failed runs before notifying must be from 1 to 100",
    ]);
    const [stored] = await api.service.list({ orgSlug: org.slug });
    expect(stored?.failureNotificationThreshold).toBe(100);
  });

  test("delete removes the service and is audited", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    await api.service.delete({ orgSlug: org.slug, serviceId: created.id });
    expect(await api.service.list({ orgSlug: org.slug })).toEqual([]);
    expect(await lastAudit(org.id)).toMatchObject({ action: "service.deleted", targetId: created.id });
    expect((await errorOf(api.service.bySlug({ orgSlug: org.slug, serviceSlug: created.slug }))).code).toBe(
      "NOT_FOUND",
    );
  });
});

describe("service router: connection tests against the emulators", () => {
  test("Test ThreatConnect with saved credentials succeeds and lists the organization", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const created = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    const result = await api.service.testThreatConnect({ orgSlug: org.slug, serviceId: created.id });
    expect(result).toEqual({
      ok: true,
      message: 'Connected to organization "Demo Organization"; 3 owners can be queried.',
    });
  });

  test("Test ThreatConnect with a just-typed wrong secret gives ThreatConnect's reason and stores nothing", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const created = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    const [before] = await testDb.select().from(services).where(eq(services.id, created.id));
    const result = await api.service.testThreatConnect({
      orgSlug: org.slug,
      serviceId: created.id,
      threatConnectSecretKey: "wrong-secret",
    });
    expect(result).toMatchObject({ ok: false, code: "auth" });
    expect(result.ok ? "" : result.message).toMatch(/Access ID and Secret Key/i);
    const [after] = await testDb.select().from(services).where(eq(services.id, created.id));
    expect(after).toEqual(before);
    expectNoSecrets(result);
  });

  test("Test ThreatConnect before saving uses only typed values, and says which one is missing", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const typed = {
      threatConnectBaseUrl: emulators.threatConnect.baseUrl,
      threatConnectAccessId: emulators.threatConnect.accessId,
      threatConnectSecretKey: emulators.threatConnect.secretKey,
    };
    expect(await api.service.testThreatConnect({ orgSlug: org.slug, ...typed })).toMatchObject({ ok: true });
    const missing = await errorOf(
      api.service.testThreatConnect({ orgSlug: org.slug, ...typed, threatConnectSecretKey: undefined }),
    );
    expect(missing.fieldErrors.threatConnectSecretKey).toEqual([
      "ThreatConnect secret key is required to test a connection",
    ]);
    expect(await testDb.select().from(services).where(eq(services.orgId, org.id))).toEqual([]);
  });

  test("the saved secret key is not tested against a typed different host", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const created = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    const error = await errorOf(
      api.service.testThreatConnect({
        orgSlug: org.slug,
        serviceId: created.id,
        threatConnectBaseUrl: "https://elsewhere.example",
      }),
    );
    expect(error.fieldErrors.threatConnectSecretKey).toBeDefined();
  });

  test("Test Azure with saved credentials succeeds; a typed wrong client secret gives Entra ID's reason", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const created = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    expect(await api.service.testAzure({ orgSlug: org.slug, serviceId: created.id })).toMatchObject({ ok: true });
    const wrong = await api.service.testAzure({
      orgSlug: org.slug,
      serviceId: created.id,
      clientSecret: "wrong-client-secret",
    });
    expect(wrong).toMatchObject({ ok: false, code: "invalid_client_secret" });
    expect(wrong.ok ? "" : wrong.message).toMatch(/rejected the client secret/);
    expectNoSecrets(wrong);
    const [row] = await testDb.select().from(services).where(eq(services.id, created.id));
    expect(
      testDeps().cipher.decrypt(row?.clientSecretEncrypted ?? "", { rowId: created.id, field: "clientSecret" }),
    ).toBe(emulators.azure.clientSecret);
  });

  test("Test Azure before saving needs every typed value", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const typed = {
      tenantId: emulators.azure.tenantId,
      clientId: emulators.azure.clientId,
      workspaceId: emulators.azure.workspaceId,
      clientSecret: emulators.azure.clientSecret,
    };
    expect(await api.service.testAzure({ orgSlug: org.slug, ...typed })).toMatchObject({ ok: true });
    const missing = await errorOf(api.service.testAzure({ orgSlug: org.slug, ...typed, workspaceId: undefined }));
    expect(missing.fieldErrors.workspaceId).toEqual(["Workspace ID is required to test a connection"]);
  });

  test("owners lists what the saved credentials can query; a broken credential says why", async () => {
    const { org, owner } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const created = await callerFor(owner, emulators.deps).service.create({
      orgSlug: org.slug,
      ...emulatedServiceInput(emulators),
    });
    const owners = await callerFor(member, emulators.deps).service.owners({ orgSlug: org.slug, serviceId: created.id });
    expect(owners.map((o) => `${o.type}:${o.name}`)).toEqual([
      "Community:Demo Community",
      "Organization:Demo Organization",
      "Source:Demo Source",
    ]);

    const broken = await callerFor(owner, emulators.deps).service.create({
      orgSlug: org.slug,
      ...emulatedServiceInput(emulators, { threatConnectSecretKey: "wrong" }),
    });
    const error = await errorOf(
      callerFor(owner, emulators.deps).service.owners({ orgSlug: org.slug, serviceId: broken.id }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/^ThreatConnect owners could not be loaded: /);
  });
});

describe("service router: tenancy and roles", () => {
  test("outsiders get NOT_FOUND from every procedure; members read but cannot change or test", async () => {
    const { org } = await makeOrg();
    const { user: member } = await addMember(org.id, "member");
    const { user: admin } = await addMember(org.id, "admin");
    const { org: otherOrg, owner: outsider } = await makeOrg();
    const created = await callerFor(admin, emulators.deps).service.create({
      orgSlug: org.slug,
      ...emulatedServiceInput(emulators),
    });
    const serviceId = created.id;
    const orgSlug = org.slug;

    const calls = (user: { id: string; email: string }) => {
      const api = callerFor(user, emulators.deps);
      return {
        list: () => api.service.list({ orgSlug }),
        bySlug: () => api.service.bySlug({ orgSlug, serviceSlug: created.slug }),
        owners: () => api.service.owners({ orgSlug, serviceId }),
        create: () => api.service.create({ orgSlug, ...serviceInput() }),
        update: () => api.service.update({ orgSlug, serviceId, scheduleIntervalHours: 2 }),
        testThreatConnect: () => api.service.testThreatConnect({ orgSlug, serviceId }),
        testAzure: () => api.service.testAzure({ orgSlug, serviceId }),
        delete: () => api.service.delete({ orgSlug, serviceId }),
      };
    };
    for (const [name, call] of Object.entries(calls(outsider))) {
      expect((await errorOf(call())).code, name).toBe("NOT_FOUND");
    }
    const asMember = calls(member);
    for (const name of ["create", "update", "testThreatConnect", "testAzure", "delete"] as const) {
      expect((await errorOf(asMember[name]())).code, name).toBe("FORBIDDEN");
    }
    expect(await asMember.list()).toHaveLength(1);
    expect((await asMember.bySlug()).id).toBe(serviceId);

    // Another org's own admin cannot reach this service through their org either.
    const viaOtherOrg = callerFor(outsider, emulators.deps);
    for (const call of [
      () => viaOtherOrg.service.update({ orgSlug: otherOrg.slug, serviceId, scheduleIntervalHours: 2 }),
      () => viaOtherOrg.service.delete({ orgSlug: otherOrg.slug, serviceId }),
      () => viaOtherOrg.service.owners({ orgSlug: otherOrg.slug, serviceId }),
      () => viaOtherOrg.service.testThreatConnect({ orgSlug: otherOrg.slug, serviceId }),
      () => viaOtherOrg.service.testAzure({ orgSlug: otherOrg.slug, serviceId }),
      () => viaOtherOrg.service.bySlug({ orgSlug: otherOrg.slug, serviceSlug: created.slug }),
    ]) {
      expect((await errorOf(call())).code).toBe("NOT_FOUND");
    }
    const [row] = await testDb
      .select()
      .from(services)
      .where(and(eq(services.id, serviceId), eq(services.orgId, org.id)));
    expect(row?.scheduleIntervalHours).toBe(24);
  });
});
