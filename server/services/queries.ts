import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { serviceQueries, services } from "@/db/schema";
import type { RunMode } from "@/lib/vocabulary";
import { recordAudit } from "../audit/record-audit";
import { describeErrorForLog, DomainError } from "../errors";
import { requestJob } from "../jobs/jobs";
import { withDb, type Scope } from "../scope";
import { mapIndicator, sourceSystemFor, type MappingError, type StixIndicator } from "../stix";
import type { ThreatConnectIndicator } from "../threatconnect";
import { failedCheckOf, threatConnectClientFor, threatConnectCredentialsOf, type FailedCheck } from "./connections";
import type { PreviewQueryInput, QueryDefinition, SaveQueriesInput, ValidateQueryInput } from "./query-input";
import { getServiceInOrg } from "./services";

export const PREVIEW_LIMIT = 20;

const queryViewColumns = {
  id: serviceQueries.id,
  position: serviceQueries.position,
  owners: serviceQueries.owners,
  types: serviceQueries.types,
  tql: serviceQueries.tql,
  sortField: serviceQueries.sortField,
  sortDirection: serviceQueries.sortDirection,
  updatedAt: serviceQueries.updatedAt,
};

export type QueryList = {
  queriesVersion: number;
  nextRunMode: RunMode;
  /** Highest priority first: for an indicator several queries return, only the first query's copy is sent. */
  queries: {
    id: string;
    position: number;
    owners: string[];
    types: QueryDefinition["types"];
    tql: string;
    sortField: QueryDefinition["sortField"];
    sortDirection: QueryDefinition["sortDirection"];
    updatedAt: Date;
  }[];
};

export async function listQueries(scope: Scope, input: { serviceId: string }): Promise<QueryList> {
  const service = await getServiceInOrg(scope, input);
  const queries = await scope.db
    .select(queryViewColumns)
    .from(serviceQueries)
    .where(and(eq(serviceQueries.orgId, scope.orgId), eq(serviceQueries.serviceId, service.id)))
    .orderBy(asc(serviceQueries.position));
  return { queriesVersion: service.queriesVersion, nextRunMode: service.nextRunMode, queries };
}

const summaryOf = (query: QueryDefinition) => ({
  owners: query.owners,
  types: query.types,
  tql: query.tql,
  sortField: query.sortField,
  sortDirection: query.sortDirection,
});

export type SaveAndRunResult = QueryList & {
  /** The update "Save and Run" started, or why it could not start (the queries are saved either way). */
  run: { ok: true; requestId: string } | { ok: false; message: string };
};

/** The guide's Save: the stored list, then the update it asked for ("Save and Run Delta/Full Update"). */
export async function saveQueries(scope: Scope, input: SaveQueriesInput): Promise<SaveAndRunResult> {
  const saved = await replaceQueries(scope, input);
  return { ...saved, run: await startRunAfterSave(scope, input) };
}

/**
 * Replaces the whole ordered list in one transaction and records the next run's mode, without starting it (seeds
 * store queries before any pipeline is up): either every change of an edit session lands, or none does.
 * Positions end dense 0..n-1.
 */
export async function replaceQueries(scope: Scope, input: SaveQueriesInput): Promise<QueryList> {
  await scope.db.transaction(async (tx) => {
    const txScope = withDb(scope, tx);
    const service = await getServiceInOrg(txScope, { serviceId: input.serviceId, forUpdate: true });
    if (service.queriesVersion !== input.queriesVersion) {
      throw new DomainError(
        "CONFLICT",
        "Someone else saved these queries after you started editing; reload to see their changes, then edit again",
        "queriesVersion",
      );
    }
    const ofService = and(eq(serviceQueries.orgId, scope.orgId), eq(serviceQueries.serviceId, service.id));
    const before = await tx.select().from(serviceQueries).where(ofService).orderBy(asc(serviceQueries.position));
    const existingIds = new Set(before.map((query) => query.id));
    const unknownId = input.queries.find((query) => query.id !== undefined && !existingIds.has(query.id));
    if (unknownId)
      throw new DomainError("NOT_FOUND", "A query in the list no longer exists; reload and edit again", "queries");

    const keptIds = input.queries.flatMap((query) => (query.id ? [query.id] : []));
    await tx
      .delete(serviceQueries)
      .where(keptIds.length > 0 ? and(ofService, notInArray(serviceQueries.id, keptIds)) : ofService);
    // Kept rows move out of 0..n-1 first so the unique (service, position) index never sees two rows on one slot.
    if (keptIds.length > 0) {
      await tx
        .update(serviceQueries)
        .set({ position: sql`-1 - ${serviceQueries.position}` })
        .where(and(ofService, inArray(serviceQueries.id, keptIds)));
    }
    for (const [position, query] of input.queries.entries()) {
      const values = { ...summaryOf(query), position };
      if (query.id) {
        await tx
          .update(serviceQueries)
          .set(values)
          .where(and(ofService, eq(serviceQueries.id, query.id)));
      } else {
        await tx.insert(serviceQueries).values({ ...values, orgId: scope.orgId, serviceId: service.id });
      }
    }
    await tx
      .update(services)
      .set({ queriesVersion: service.queriesVersion + 1, nextRunMode: input.runMode })
      .where(and(eq(services.orgId, scope.orgId), eq(services.id, service.id)));
    await recordAudit(txScope, {
      action: "service.queries_saved",
      targetType: "service",
      targetId: service.id,
      diff: {
        runMode: input.runMode,
        queriesVersion: { before: service.queriesVersion, after: service.queriesVersion + 1 },
        queries: { before: before.map(summaryOf), after: input.queries.map(summaryOf) },
      },
    });
  });
  return listQueries(scope, input);
}

/**
 * The guide's "Save and Run Delta/Full Update" starts the update at once. The save has committed by now, so a
 * pipeline that cannot take the job is reported next to the saved list rather than failing the save.
 */
async function startRunAfterSave(scope: Scope, input: SaveQueriesInput): Promise<SaveAndRunResult["run"]> {
  try {
    const { requestId } = await requestJob(scope, { serviceId: input.serviceId, mode: input.runMode, trigger: "save" });
    return { ok: true, requestId };
  } catch (error) {
    if (error instanceof DomainError)
      return { ok: false, message: `Saved, but the update did not start: ${error.message}` };
    console.error(`[queries] saved, but the update could not be requested: ${describeErrorForLog(error)}`);
    return { ok: false, message: "Saved, but the sync pipeline did not accept the update; start it from JOBS" };
  }
}

export type ValidationResult = { ok: true; count: number } | FailedCheck;

/** ThreatConnect's own verdict on a TQL: how many indicators it matches, or its error message. */
export async function validateQuery(scope: Scope, input: ValidateQueryInput): Promise<ValidationResult> {
  const service = await getServiceInOrg(scope, input);
  const client = threatConnectClientFor(scope.deps, threatConnectCredentialsOf(scope.deps, service));
  try {
    return {
      ok: true,
      count: await client.countIndicators({ tql: input.tql, owners: input.owners, types: input.types }),
    };
  } catch (error) {
    return failedCheckOf(error);
  }
}

/** What the preview shows of an indicator: enough to recognise it, whether or not ThreatConnect sent it readably. */
export type PreviewIndicator = Pick<ThreatConnectIndicator, "id" | "type" | "summary" | "ownerName">;
export type PreviewRow = {
  indicator: PreviewIndicator;
  mapping: { ok: true; object: StixIndicator } | { ok: false; error: MappingError };
};
export type PreviewResult = { ok: true; total: number | null; sourcesystem: string; rows: PreviewRow[] } | FailedCheck;

/** The first indicators a query returns and what each would become in Sentinel; nothing is sent anywhere. */
export async function previewQuery(scope: Scope, input: PreviewQueryInput): Promise<PreviewResult> {
  const service = await getServiceInOrg(scope, input);
  const client = threatConnectClientFor(scope.deps, threatConnectCredentialsOf(scope.deps, service));
  const settings = { sourceName: service.sourceName, ttlHours: service.ttlHours, now: scope.deps.now() };
  try {
    const page = await client.indicatorPage(input.query, { pageSize: PREVIEW_LIMIT });
    const rows = page.indicators.map((indicator): PreviewRow => {
      const result = mapIndicator(indicator, settings);
      const { id, type, summary, ownerName } = indicator;
      return {
        indicator: { id, type, summary, ownerName },
        mapping: result.ok ? { ok: true, object: result.object } : { ok: false, error: result.error },
      };
    });
    // An indicator the client could not read shows as a mapping error on its own row, never a failed preview.
    const unreadable = page.rejected.map((rejected, index): PreviewRow => ({
      indicator: {
        id: rejected.id ?? `unreadable-${index}`,
        type: rejected.type ?? "unknown type",
        summary: rejected.summary ?? "",
        ownerName: rejected.ownerName ?? "",
      },
      mapping: { ok: false, error: { field: rejected.field, message: rejected.reason } },
    }));
    return {
      ok: true,
      total: page.total ?? null,
      sourcesystem: sourceSystemFor(service.sourceName),
      rows: [...rows, ...unreadable],
    };
  } catch (error) {
    return failedCheckOf(error);
  }
}
