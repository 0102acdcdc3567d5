import { and, eq } from "drizzle-orm";
import { memberships, organizations, services, users } from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import type { SystemScope, Scope } from "@/server/scope";
import { listQueries, replaceQueries } from "@/server/services/queries";
import type { QueryDefinition } from "@/server/services/query-input";
import { createServiceInput, type CreateServiceInput } from "@/server/services/service-input";
import { createService, updateService } from "@/server/services/services";
import type { AzureEmulator } from "@/local/azure";
import type { ThreatConnectEmulator } from "@/local/threatconnect";

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
export const BULK_SERVICE_NAME = "Bulk feed (manual runs only)";
export const FAILING_SERVICE_NAME = "Staging feed (revoked ThreatConnect key)";
/** Where the failing service's notices would be mailed; without SMTP they stay in the outbox. */
export const DEMO_NOTIFICATION_EMAIL = "soc@demo.local";
/** A key the ThreatConnect emulator does not know, so every request of the failing service is refused (401). */
const REVOKED_THREATCONNECT_KEY = "revoked-demo-secret-key";

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

/** Every active indicator of every owner: a full update spans dozens of Sentinel requests, so its progress shows. */
const BULK_QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization", "Demo Community", "Demo Source"],
    types: ["Address", "ASN", "CIDR", "EmailAddress", "Email Subject", "File", "Host", "Registry Key", "URL"],
    tql: "indicatorActive = true",
    sortField: "dateAdded",
    sortDirection: "ASC",
  },
];

const FAILING_QUERIES: QueryDefinition[] = [
  {
    owners: ["Demo Organization"],
    types: ["Host", "URL"],
    tql: "rating >= 3",
    sortField: "dateAdded",
    sortDirection: "DESC",
  },
];

export type DemoServiceConnections = {
  threatConnect: { baseUrl: string; accessId: string; secretKey: string };
  azure: { tenantId: string; clientId: string; clientSecret: string; workspaceId: string };
};

type DemoServiceDefinition = {
  name: string;
  sourceName: string;
  queries: QueryDefinition[];
  /** Settings a newcomer may change in the portal: used only when the service is created. */
  initial?: Partial<Pick<CreateServiceInput, "isEnabled" | "maxRestartAttempts" | "notificationEmails">>;
  /** Replaces the ThreatConnect secret key of the connection details, on every run. */
  threatConnectSecretKey?: string;
};

/**
 * Idempotent: the emulators listen on new ports each run, so an existing service gets the current connection
 * details and secrets; its other settings and its queries are created only once, so edits survive re-runs.
 */
async function seedService(scope: Scope, connections: DemoServiceConnections, definition: DemoServiceDefinition) {
  const settings = createServiceInput.parse({
    name: definition.name,
    sourceName: definition.sourceName,
    tenantId: connections.azure.tenantId,
    clientId: connections.azure.clientId,
    workspaceId: connections.azure.workspaceId,
    clientSecret: connections.azure.clientSecret,
    threatConnectBaseUrl: connections.threatConnect.baseUrl,
    threatConnectAccessId: connections.threatConnect.accessId,
    threatConnectSecretKey: definition.threatConnectSecretKey ?? connections.threatConnect.secretKey,
    ...definition.initial,
  });
  const [existing] = await scope.db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.orgId, scope.orgId), eq(services.name, definition.name)));
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
      queries: definition.queries,
    });
  }
  return service;
}

/**
 * The demo organization's services, acting as the system: "Demo Sentinel" succeeds; the bulk feed is disabled
 * (no schedule) so its first full update waits for someone to start it and shows its progress; the staging feed
 * holds a revoked ThreatConnect key, so its runs fail for good and its failure notice lands in the outbox.
 */
export async function seedDemoServices(scope: Scope, connections: DemoServiceConnections) {
  const demo = await seedService(scope, connections, {
    name: DEMO_SERVICE_NAME,
    sourceName: "Demo",
    queries: DEMO_QUERIES,
  });
  const bulk = await seedService(scope, connections, {
    name: BULK_SERVICE_NAME,
    sourceName: "Bulk",
    queries: BULK_QUERIES,
    initial: { isEnabled: false },
  });
  const failing = await seedService(scope, connections, {
    name: FAILING_SERVICE_NAME,
    sourceName: "Staging",
    queries: FAILING_QUERIES,
    initial: { maxRestartAttempts: 0, notificationEmails: [DEMO_NOTIFICATION_EMAIL] },
    threatConnectSecretKey: REVOKED_THREATCONNECT_KEY,
  });
  return { demo, bulk, failing };
}

/**
 * Two indicators only the bulk feed's query matches (low rating, no tags), so the other services stay clean: one the
 * product cannot map (an octet over 255) and one the Sentinel emulator refuses, so ERRORS shows a mapping reason and
 * a reason of Sentinel's. Fixed ids keep ERRORS to one row each across restarts of the demo.
 */
export const DEMO_UNMAPPABLE_INDICATOR = { id: "9000001", type: "Address", summary: "198.51.100.256" } as const;
export const DEMO_REFUSED_INDICATOR = {
  id: "9000002",
  type: "Host",
  summary: "refused-by-sentinel.demo.example",
} as const;

type DemoFeedEmulators = {
  threatConnect: Pick<ThreatConnectEmulator, "control">;
  azure: Pick<AzureEmulator, "control">;
};

/** The emulators start from their seeded state on every run, so this is applied on every start of the demo. */
export function stageDemoFeed({ threatConnect, azure }: DemoFeedEmulators) {
  for (const indicator of [DEMO_UNMAPPABLE_INDICATOR, DEMO_REFUSED_INDICATOR]) {
    threatConnect.control.addIndicator({ ...indicator, owner: "Demo Organization", rating: 2, confidence: 40 });
  }
  azure.control.setFaults({ refusedPatternValues: [DEMO_REFUSED_INDICATOR.summary] });
}
