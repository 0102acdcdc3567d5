import { and, asc, eq, like, ne } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { services, type Service } from "@/db/schema";
import { diffOf, recordAudit } from "../audit/record-audit";
import type { CredentialCipher } from "../crypto";
import { DomainError, notFound } from "../errors";
import { withDb, type Scope } from "../scope";
import { slugBase } from "../slug";
import { sourceSystemFor } from "../stix";
import type { CreateServiceInput, UpdateServiceInput } from "./service-input";

export const SECRET_FIELDS = ["clientSecret", "threatConnectSecretKey"] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/** Explicit column list for everything that answers a client: the *Encrypted columns are never in it. */
export const serviceViewColumns = {
  id: services.id,
  slug: services.slug,
  name: services.name,
  isEnabled: services.isEnabled,
  azureCloud: services.azureCloud,
  sentinelApi: services.sentinelApi,
  tenantId: services.tenantId,
  clientId: services.clientId,
  workspaceId: services.workspaceId,
  clientSecretUpdatedAt: services.clientSecretUpdatedAt,
  sourceName: services.sourceName,
  threatConnectBaseUrl: services.threatConnectBaseUrl,
  threatConnectAccessId: services.threatConnectAccessId,
  threatConnectSecretKeyUpdatedAt: services.threatConnectSecretKeyUpdatedAt,
  scheduleIntervalHours: services.scheduleIntervalHours,
  ttlHours: services.ttlHours,
  notificationEmails: services.notificationEmails,
  maxRestartAttempts: services.maxRestartAttempts,
  failureNotificationThreshold: services.failureNotificationThreshold,
  nextRunMode: services.nextRunMode,
  lastSuccessfulRunAt: services.lastSuccessfulRunAt,
  queriesVersion: services.queriesVersion,
  createdAt: services.createdAt,
  updatedAt: services.updatedAt,
};

type ServiceRow = { [K in keyof typeof serviceViewColumns]: Service[K] };

export type ServiceView = Omit<ServiceRow, "clientSecretUpdatedAt" | "threatConnectSecretKeyUpdatedAt"> & {
  /** The Sentinel sourcesystem indicators are sent under. */
  effectiveSourceName: string;
  /** Secrets are write-only: only the fact that one is set, and when it last changed. */
  secrets: Record<SecretField, { isSet: true; updatedAt: Date }>;
};

function toView(row: ServiceRow): ServiceView {
  const { clientSecretUpdatedAt, threatConnectSecretKeyUpdatedAt, ...settings } = row;
  return {
    ...settings,
    effectiveSourceName: sourceSystemFor(row.sourceName),
    secrets: {
      clientSecret: { isSet: true, updatedAt: clientSecretUpdatedAt },
      threatConnectSecretKey: { isSet: true, updatedAt: threatConnectSecretKeyUpdatedAt },
    },
  };
}

export async function listServices(scope: Scope): Promise<ServiceView[]> {
  const rows = await scope.db
    .select(serviceViewColumns)
    .from(services)
    .where(eq(services.orgId, scope.orgId))
    .orderBy(asc(services.name));
  return rows.map(toView);
}

export async function getServiceViewBySlug(scope: Scope, input: { serviceSlug: string }): Promise<ServiceView> {
  const [row] = await scope.db
    .select(serviceViewColumns)
    .from(services)
    .where(and(eq(services.orgId, scope.orgId), eq(services.slug, input.serviceSlug)));
  if (!row) throw notFound("Service");
  return toView(row);
}

/** The full row, ciphertext included, for domain code only; never return it from a procedure. */
export async function getServiceInOrg(scope: Scope, input: { serviceId: string; forUpdate?: boolean }) {
  const query = scope.db
    .select()
    .from(services)
    .where(and(eq(services.orgId, scope.orgId), eq(services.id, input.serviceId)));
  const [row] = input.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("Service");
  return row;
}

export function secretSlot(serviceId: string, field: SecretField) {
  return { rowId: serviceId, field };
}

export function decryptServiceSecret(
  cipher: CredentialCipher,
  service: Pick<Service, "id" | "clientSecretEncrypted" | "threatConnectSecretKeyEncrypted">,
  field: SecretField,
): string {
  const envelope = field === "clientSecret" ? service.clientSecretEncrypted : service.threatConnectSecretKeyEncrypted;
  return cipher.decrypt(envelope, secretSlot(service.id, field));
}

/** Names that differ only in punctuation share a base slug, so later ones get -2, -3…. */
async function uniqueSlug(scope: Scope, name: string, exceptServiceId?: string): Promise<string> {
  const base = slugBase(name, 60) || "service";
  const taken = new Set(
    (
      await scope.db
        .select({ slug: services.slug })
        .from(services)
        .where(
          and(
            eq(services.orgId, scope.orgId),
            like(services.slug, `${base}%`),
            exceptServiceId ? ne(services.id, exceptServiceId) : undefined,
          ),
        )
    ).map((row) => row.slug),
  );
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${base}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

async function assertNameFree(scope: Scope, name: string, exceptServiceId?: string) {
  const [clash] = await scope.db
    .select({ id: services.id })
    .from(services)
    .where(
      and(
        eq(services.orgId, scope.orgId),
        eq(services.name, name),
        exceptServiceId ? ne(services.id, exceptServiceId) : undefined,
      ),
    );
  if (clash) throw new DomainError("CONFLICT", `A service named "${name}" already exists in this organization`, "name");
}

/** Two concurrent saves can both pass the pre-check; the unique index decides and the loser gets the same answer. */
function isUniqueViolation(error: unknown, constraint: string): boolean {
  const cause = error instanceof Error && "cause" in error ? error.cause : undefined;
  return [error, cause].some(
    (candidate) =>
      typeof candidate === "object" &&
      candidate !== null &&
      "code" in candidate &&
      candidate.code === "23505" &&
      "constraint_name" in candidate &&
      candidate.constraint_name === constraint,
  );
}

function rethrowNameConflict(error: unknown, name: string | undefined): never {
  if (
    name !== undefined &&
    (isUniqueViolation(error, "services_org_name_idx") || isUniqueViolation(error, "services_org_slug_idx"))
  ) {
    throw new DomainError("CONFLICT", `A service named "${name}" already exists in this organization`, "name");
  }
  throw error;
}

const viewOf = (service: Service): ServiceView => {
  const row = Object.fromEntries(
    Object.keys(serviceViewColumns).map((key) => [key, service[key as keyof ServiceRow]]),
  ) as ServiceRow;
  return toView(row);
};

/** What the audit log shows of a service: its settings, never a secret or its ciphertext. */
function auditableSettings(service: ServiceView) {
  const {
    secrets: _secrets,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    effectiveSourceName: _effective,
    ...settings
  } = service;
  return settings;
}

export async function createService(scope: Scope, input: CreateServiceInput): Promise<ServiceView> {
  const { cipher } = scope.deps;
  const { clientSecret, threatConnectSecretKey, ...settings } = input;
  const id = randomUUID();
  try {
    return await scope.db.transaction(async (tx) => {
      const txScope = withDb(scope, tx);
      await assertNameFree(txScope, settings.name);
      const [created] = await tx
        .insert(services)
        .values({
          ...settings,
          id,
          orgId: scope.orgId,
          slug: await uniqueSlug(txScope, settings.name),
          clientSecretEncrypted: cipher.encrypt(clientSecret, secretSlot(id, "clientSecret")),
          threatConnectSecretKeyEncrypted: cipher.encrypt(
            threatConnectSecretKey,
            secretSlot(id, "threatConnectSecretKey"),
          ),
        })
        .returning();
      if (!created) throw new Error("service insert returned nothing");
      const view = viewOf(created);
      await recordAudit(txScope, {
        action: "service.created",
        targetType: "service",
        targetId: id,
        diff: { ...auditableSettings(view), clientSecret: "set", threatConnectSecretKey: "set" },
      });
      return view;
    });
  } catch (error) {
    rethrowNameConflict(error, settings.name);
  }
}

export async function updateService(scope: Scope, input: UpdateServiceInput): Promise<ServiceView> {
  const { cipher } = scope.deps;
  const { serviceId, clientSecret, threatConnectSecretKey, ...settings } = input;
  try {
    return await scope.db.transaction(async (tx) => {
      const txScope = withDb(scope, tx);
      const before = await getServiceInOrg(txScope, { serviceId, forUpdate: true });
      const isThreatConnectTargetChanging =
        (settings.threatConnectBaseUrl !== undefined &&
          settings.threatConnectBaseUrl !== before.threatConnectBaseUrl) ||
        (settings.threatConnectAccessId !== undefined &&
          settings.threatConnectAccessId !== before.threatConnectAccessId);
      // Otherwise an edit could send the stored secret key to a host of the editor's choosing.
      if (isThreatConnectTargetChanging && threatConnectSecretKey === undefined) {
        throw new DomainError(
          "BAD_REQUEST",
          "Re-enter the ThreatConnect secret key when changing the base URL or access ID",
          "threatConnectSecretKey",
        );
      }
      const isAzureIdentityChanging =
        (settings.tenantId !== undefined && settings.tenantId !== before.tenantId) ||
        (settings.clientId !== undefined && settings.clientId !== before.clientId);
      // The saved client secret belongs to one app registration in one tenant; it is never sent to another.
      if (isAzureIdentityChanging && clientSecret === undefined) {
        throw new DomainError(
          "BAD_REQUEST",
          "Re-enter the client secret when changing the tenant ID or client ID",
          "clientSecret",
        );
      }
      const changes = diffOf(auditableSettings(viewOf(before)), settings);
      const isRenamed = settings.name !== undefined && settings.name !== before.name;
      if (isRenamed && settings.name) await assertNameFree(txScope, settings.name, serviceId);
      const secretChanges: Partial<Record<SecretField, "replaced">> = {
        ...(clientSecret !== undefined ? { clientSecret: "replaced" as const } : {}),
        ...(threatConnectSecretKey !== undefined ? { threatConnectSecretKey: "replaced" as const } : {}),
      };
      if (Object.keys(changes).length === 0 && Object.keys(secretChanges).length === 0) return viewOf(before);

      const now = scope.deps.now();
      const [updated] = await tx
        .update(services)
        .set({
          ...settings,
          ...(isRenamed && settings.name ? { slug: await uniqueSlug(txScope, settings.name, serviceId) } : {}),
          ...(clientSecret !== undefined
            ? {
                clientSecretEncrypted: cipher.encrypt(clientSecret, secretSlot(serviceId, "clientSecret")),
                clientSecretUpdatedAt: now,
              }
            : {}),
          ...(threatConnectSecretKey !== undefined
            ? {
                threatConnectSecretKeyEncrypted: cipher.encrypt(
                  threatConnectSecretKey,
                  secretSlot(serviceId, "threatConnectSecretKey"),
                ),
                threatConnectSecretKeyUpdatedAt: now,
              }
            : {}),
        })
        .where(and(eq(services.orgId, scope.orgId), eq(services.id, serviceId)))
        .returning();
      if (!updated) throw notFound("Service");
      await recordAudit(txScope, {
        action: "service.updated",
        targetType: "service",
        targetId: serviceId,
        diff: { ...changes, ...secretChanges },
      });
      return viewOf(updated);
    });
  } catch (error) {
    rethrowNameConflict(error, settings.name);
  }
}

export async function deleteService(scope: Scope, input: { serviceId: string }): Promise<void> {
  await scope.db.transaction(async (tx) => {
    const txScope = withDb(scope, tx);
    const service = await getServiceInOrg(txScope, { serviceId: input.serviceId, forUpdate: true });
    await tx.delete(services).where(and(eq(services.orgId, scope.orgId), eq(services.id, service.id)));
    await recordAudit(txScope, {
      action: "service.deleted",
      targetType: "service",
      targetId: service.id,
      diff: { name: service.name, slug: service.slug },
    });
  });
}
