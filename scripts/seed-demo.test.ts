import { and, eq } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import { makeOrg, testDb, testScope } from "@/test/db";
import { useEmulators } from "@/test/services";
import { listQueries, validateQuery } from "@/server/services/queries";
import { checkAzure, checkThreatConnect } from "@/server/services/connections";
import { services } from "@/db/schema";
import { DEMO_SERVICE_NAME, seedDemoService } from "./seed-demo";

const emulators = useEmulators();

describe("seedDemoService", () => {
  test("creates one working service with three queries that match emulator data, idempotently", async () => {
    const { org } = await makeOrg();
    const scope = testScope({ orgId: org.id, deps: emulators.deps });
    const connections = {
      threatConnect: {
        baseUrl: emulators.threatConnect.baseUrl,
        accessId: emulators.threatConnect.accessId,
        secretKey: emulators.threatConnect.secretKey,
      },
      azure: {
        tenantId: emulators.azure.tenantId,
        clientId: emulators.azure.clientId,
        clientSecret: emulators.azure.clientSecret,
        workspaceId: emulators.azure.workspaceId,
      },
    };
    const service = await seedDemoService(scope, connections);
    expect(service).toMatchObject({
      name: DEMO_SERVICE_NAME,
      effectiveSourceName: "ThreatConnect-Demo",
      nextRunMode: "full",
    });

    const { queries } = await listQueries(scope, { serviceId: service.id });
    expect(queries).toHaveLength(3);
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

    const again = await seedDemoService(scope, {
      ...connections,
      threatConnect: { ...connections.threatConnect, baseUrl: `${emulators.threatConnect.baseUrl}/` },
    });
    expect(again.id).toBe(service.id);
    expect((await listQueries(scope, { serviceId: service.id })).queries.map((q) => q.id)).toEqual(
      queries.map((q) => q.id),
    );
    expect(
      await testDb
        .select({ id: services.id })
        .from(services)
        .where(and(eq(services.orgId, org.id), eq(services.name, DEMO_SERVICE_NAME))),
    ).toHaveLength(1);
  });
});
