import { and, eq } from "drizzle-orm";
import { memberships, organizations, services, users } from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import type { SystemScope, Scope } from "@/server/scope";
import { listQueries, replaceQueries } from "@/server/services/queries";
import type { QueryDefinition } from "@/server/services/query-input";
import { createServiceInput } from "@/server/services/service-input";
import { createService, updateService } from "@/server/services/services";

export const DEMO_ORG_SLUG = "demo";

/** Idempotent: re-running keeps existing data and resets only the demo admin's password to the given one. */
export async function seedDemo({ db }: SystemScope, admin: { email: string; password: string }) {
  const email = admin.email.toLowerCase();
  const passwordHash = await hashPassword(admin.password);
  const [user] = await db
    .insert(users)
    .values({ email, name: "Demo Admin", passwordHash })
    .onConflictDoUpdate({ target: users.email, set: { passwordHash } })
    .returning();
  if (!user) throw new Error("seed: demo user upsert returned nothing");

  await db
    .insert(organizations)
    .values({ slug: DEMO_ORG_SLUG, name: "Demo Organization" })
    .onConflictDoNothing({ target: organizations.slug });
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, DEMO_ORG_SLUG));
  if (!org) throw new Error("seed: demo organization missing after insert");

  await db.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner" }).onConflictDoNothing();
  return { user, org };
}

export const DEMO_SERVICE_NAME = "Demo Sentinel";

/** Three queries over the ThreatConnect emulator's seeded owners and tags, highest priority first. */
const DEMO_QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization"],
    types: ["Address", "Host", "URL"],
    tql: "rating >= 4 and confidence >= 70",
    sortField: "lastModified",
    sortDirection: "DESC",
  },
  {
    owners: ["Demo Organization", "Demo Community", "Demo Source"],
    types: ["EmailAddress", "Email Subject", "URL"],
    tql: 'tag = "Phishing"',
    sortField: "dateAdded",
    sortDirection: "DESC",
  },
  {
    owners: ["Demo Community", "Demo Source"],
    types: ["File", "Host"],
    tql: 'tag = "Ransomware" or tag = "Emotet"',
    sortField: "confidence",
    sortDirection: "DESC",
  },
];

export type DemoServiceConnections = {
  threatConnect: { baseUrl: string; accessId: string; secretKey: string };
  azure: { tenantId: string; clientId: string; clientSecret: string; workspaceId: string };
};

/**
 * Idempotent: the emulators listen on new ports each run, so an existing demo service gets the current
 * connection details and secrets; its queries are created only when it has none, so edits survive re-runs.
 * The scope is the demo organization's, acting as the system.
 */
export async function seedDemoService(scope: Scope, connections: DemoServiceConnections) {
  const settings = createServiceInput.parse({
    name: DEMO_SERVICE_NAME,
    sourceName: "Demo",
    tenantId: connections.azure.tenantId,
    clientId: connections.azure.clientId,
    workspaceId: connections.azure.workspaceId,
    clientSecret: connections.azure.clientSecret,
    threatConnectBaseUrl: connections.threatConnect.baseUrl,
    threatConnectAccessId: connections.threatConnect.accessId,
    threatConnectSecretKey: connections.threatConnect.secretKey,
  });
  const [existing] = await scope.db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.orgId, scope.orgId), eq(services.name, DEMO_SERVICE_NAME)));
  const service = existing
    ? await updateService(scope, {
        serviceId: existing.id,
        tenantId: settings.tenantId,
        clientId: settings.clientId,
        workspaceId: settings.workspaceId,
        clientSecret: settings.clientSecret,
        threatConnectBaseUrl: settings.threatConnectBaseUrl,
        threatConnectAccessId: settings.threatConnectAccessId,
        threatConnectSecretKey: settings.threatConnectSecretKey,
      })
    : await createService(scope, settings);
  const current = await listQueries(scope, { serviceId: service.id });
  if (current.queries.length === 0) {
    await replaceQueries(scope, {
      serviceId: service.id,
      queriesVersion: current.queriesVersion,
      runMode: "full",
      queries: DEMO_QUERIES,
    });
  }
  return service;
}
