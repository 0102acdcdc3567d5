import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { makeOrg, testDb, testScope } from "@/test/db";
import { useEmulators } from "@/test/services";
import { listQueries, validateQuery } from "@/server/services/queries";
import { checkAzure, checkThreatConnect } from "@/server/services/connections";
import { getServiceInOrg, updateService } from "@/server/services/services";
import { services } from "@/db/schema";
import {
  BULK_SERVICE_NAME,
  DEMO_NOTIFICATION_EMAIL,
  DEMO_REFUSED_INDICATOR,
  DEMO_SERVICE_NAME,
  DEMO_UNMAPPABLE_INDICATOR,
  FAILING_SERVICE_NAME,
  seedDemoServices,
  stageDemoFeed,
} from "./seed-demo";

const emulators = useEmulators();

function connectionsOf(e: typeof emulators) {
  return {
    threatConnect: {
      baseUrl: e.threatConnect.baseUrl,
      accessId: e.threatConnect.accessId,
      secretKey: e.threatConnect.secretKey,
    },
    azure: {
      tenantId: e.azure.tenantId,
      clientId: e.azure.clientId,
      clientSecret: e.azure.clientSecret,
      workspaceId: e.azure.workspaceId,
    },
  };
}

describe("seedDemoServices", () => {
  test("creates a working service, a disabled bulk feed and a clearly named failing one, each with queries, idempotently", async () => {
    const { org } = await makeOrg();
    const scope = testScope({ orgId: org.id, deps: emulators.deps });
    const connections = connectionsOf(emulators);
    const seeded = await seedDemoServices(scope, connections);
    expect(seeded.demo).toMatchObject({
      name: DEMO_SERVICE_NAME,
      effectiveSourceName: "ThreatConnect-Demo",
      nextRunMode: "full",
      isEnabled: true,
    });
    expect(seeded.bulk).toMatchObject({ name: BULK_SERVICE_NAME, isEnabled: false, nextRunMode: "full" });
    expect(seeded.failing).toMatchObject({
      name: FAILING_SERVICE_NAME,
      isEnabled: true,
      maxRestartAttempts: 0,
      notificationEmails: [DEMO_NOTIFICATION_EMAIL],
    });

    for (const [service, count] of [
      [seeded.demo, 3],
      [seeded.bulk, 1],
    ] as const) {
      const { queries } = await listQueries(scope, { serviceId: service.id });
      expect(queries).toHaveLength(count);
      for (const query of queries) {
        const result = await validateQuery(scope, {
          serviceId: service.id,
          tql: query.tql,
          owners: query.owners,
          types: query.types,
        });
        expect(result.ok && result.count, query.tql).toBeGreaterThan(0);
      }
      expect(await checkThreatConnect(scope, { serviceId: service.id })).toMatchObject({ ok: true });
      expect(await checkAzure(scope, { serviceId: service.id })).toMatchObject({ ok: true });
    }
    // Sentinel would take its uploads; ThreatConnect refuses its key, which is what makes its runs fail for good.
    expect(await checkAzure(scope, { serviceId: seeded.failing.id })).toMatchObject({ ok: true });
    expect(await checkThreatConnect(scope, { serviceId: seeded.failing.id })).toMatchObject({ ok: false });
    expect((await listQueries(scope, { serviceId: seeded.failing.id })).queries).toHaveLength(1);

    // A newcomer's edits survive a restart of the demo; connection details follow the emulators' new ports.
    await updateService(scope, { serviceId: seeded.bulk.id, isEnabled: true });
    const demoQueries = (await listQueries(scope, { serviceId: seeded.demo.id })).queries;
    const again = await seedDemoServices(scope, {
      ...connections,
      threatConnect: { ...connections.threatConnect, baseUrl: `${emulators.threatConnect.baseUrl}/` },
    });
    expect([again.demo.id, again.bulk.id, again.failing.id]).toEqual([
      seeded.demo.id,
      seeded.bulk.id,
      seeded.failing.id,
    ]);
    expect(again.bulk.isEnabled).toBe(true);
    expect((await listQueries(scope, { serviceId: seeded.demo.id })).queries.map((q) => q.id)).toEqual(
      demoQueries.map((q) => q.id),
    );
    expect(await checkThreatConnect(scope, { serviceId: seeded.failing.id })).toMatchObject({ ok: false });
    expect(
      await testDb
        .select({ id: services.id })
        .from(services)
        .where(
          and(
            eq(services.orgId, org.id),
            inArray(services.name, [DEMO_SERVICE_NAME, BULK_SERVICE_NAME, FAILING_SERVICE_NAME]),
          ),
        ),
    ).toHaveLength(3);
    expect((await getServiceInOrg(scope, { serviceId: seeded.failing.id })).maxRestartAttempts).toBe(0);
  });
});

describe("stageDemoFeed", () => {
  test("adds an indicator the product cannot map and one Sentinel refuses, both only in the bulk feed's query", async () => {
    const { org } = await makeOrg();
    const scope = testScope({ orgId: org.id, deps: emulators.deps });
    const seeded = await seedDemoServices(scope, connectionsOf(emulators));
    stageDemoFeed(emulators);
    try {
      expect(emulators.threatConnect.control.getIndicator(DEMO_UNMAPPABLE_INDICATOR.id)).toMatchObject({
        summary: DEMO_UNMAPPABLE_INDICATOR.summary,
      });
      expect(emulators.threatConnect.control.getIndicator(DEMO_REFUSED_INDICATOR.id)).toMatchObject({
        summary: DEMO_REFUSED_INDICATOR.summary,
      });
      expect(emulators.azure.control.setFaults({}).refusedPatternValues).toEqual([DEMO_REFUSED_INDICATOR.summary]);
      const matches = async (serviceId: string, indicatorSummary: string) => {
        for (const query of (await listQueries(scope, { serviceId })).queries) {
          const result = await validateQuery(scope, {
            serviceId,
            tql: `(${query.tql}) and summary = "${indicatorSummary}"`,
            owners: query.owners,
            types: query.types,
          });
          if (result.ok && result.count > 0) return true;
        }
        return false;
      };
      for (const summary of [DEMO_UNMAPPABLE_INDICATOR.summary, DEMO_REFUSED_INDICATOR.summary]) {
        expect(await matches(seeded.bulk.id, summary), summary).toBe(true);
        expect(await matches(seeded.demo.id, summary), summary).toBe(false);
      }
    } finally {
      emulators.threatConnect.control.reset();
      emulators.azure.control.reset();
    }
  });
});
