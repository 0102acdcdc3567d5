import { and, asc, eq } from "drizzle-orm";
import { services } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import type { SystemScope } from "../scope";
import { secretSlot } from "./services";

export type RotationReport = { activeKeyId: string; services: number; reencrypted: number; alreadyCurrent: number };

/**
 * Re-encrypts every stored secret that is not under the active key, one service per transaction, so a
 * failure part-way leaves every row readable and a re-run picks up where it stopped. Idempotent.
 */
export async function rotateCredentials(scope: SystemScope): Promise<RotationReport> {
  const { cipher } = scope.deps;
  const report: RotationReport = { activeKeyId: cipher.activeKeyId, services: 0, reencrypted: 0, alreadyCurrent: 0 };
  const ids = await scope.db
    .select({ id: services.id, orgId: services.orgId })
    .from(services)
    .orderBy(asc(services.id));
  for (const { id, orgId } of ids) {
    await scope.db.transaction(async (tx) => {
      const [row] = await tx
        .select({
          clientSecretEncrypted: services.clientSecretEncrypted,
          threatConnectSecretKeyEncrypted: services.threatConnectSecretKeyEncrypted,
        })
        .from(services)
        .where(and(eq(services.orgId, orgId), eq(services.id, id)))
        .for("update");
      if (!row) return;
      report.services += 1;
      const reencrypt = (envelope: string, field: "clientSecret" | "threatConnectSecretKey") => {
        if (cipher.keyIdOf(envelope) === cipher.activeKeyId) {
          report.alreadyCurrent += 1;
          return undefined;
        }
        report.reencrypted += 1;
        const slot = secretSlot(id, field);
        return cipher.encrypt(cipher.decrypt(envelope, slot), slot);
      };
      const clientSecretEncrypted = reencrypt(row.clientSecretEncrypted, "clientSecret");
      const threatConnectSecretKeyEncrypted = reencrypt(row.threatConnectSecretKeyEncrypted, "threatConnectSecretKey");
      if (!clientSecretEncrypted && !threatConnectSecretKeyEncrypted) return;
      await tx
        .update(services)
        .set({
          ...(clientSecretEncrypted ? { clientSecretEncrypted } : {}),
          ...(threatConnectSecretKeyEncrypted ? { threatConnectSecretKeyEncrypted } : {}),
        })
        .where(and(eq(services.orgId, orgId), eq(services.id, id)));
      // Maintenance is the system's doing, recorded in each service's own organization.
      await recordAudit(
        { db: tx, deps: scope.deps, orgId, actorUserId: null },
        {
          action: "service.credentials_reencrypted",
          targetType: "service",
          targetId: id,
          diff: { keyId: cipher.activeKeyId },
        },
      );
    });
  }
  return report;
}
