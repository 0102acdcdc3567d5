import { and, count, eq, gte, gt, isNull, not, or, sql, sum } from "drizzle-orm";
import { jobs, sentDailyCounts, sentState, services, serviceSyncState } from "@/db/schema";
import type { FinalJobStatus } from "@/lib/vocabulary";
import type { Scope } from "../scope";

/** The overview's window: long enough to see a trend, short enough to stay inside the default retention. */
export const OVERVIEW_DAYS = 30;
/** A scheduled run may start late by this much before its service counts as overdue. */
export const STALE_GRACE_MS = 60 * 60_000;

export type ServiceHealth = {
  serviceId: string;
  name: string;
  slug: string;
  isEnabled: boolean;
  scheduleIntervalHours: number;
  lastSucceededAt: Date | null;
  /** When a successful sync was due and had not happened; null while it is not overdue (or disabled). */
  overdueSince: Date | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  outcomes: Record<FinalJobStatus, number>;
};

export type SentDay = {
  day: string;
  /** Objects Sentinel accepted that day, by indicator type (revocations not included). */
  sent: Record<string, number>;
  revoked: number;
};

export type ReportOverview = {
  days: number;
  /** Every type sent in the window, for a stable legend. */
  sentTypes: string[];
  /** One entry per UTC day of the window, oldest first, days without sends included as zeros. */
  sentPerDay: SentDay[];
  livePerType: { type: string; count: number }[];
  services: ServiceHealth[];
};

const noOutcomes = (): Record<FinalJobStatus, number> => ({
  succeeded: 0,
  partially_succeeded: 0,
  failed: 0,
  cancelled: 0,
});

/** The window's UTC days, oldest first, ending on the day of `now`. */
export function overviewDays(now: Date, days: number = OVERVIEW_DAYS): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * 24 * 3600_000).toISOString().slice(0, 10),
  );
}

function zeroFilled(days: string[], rows: { day: string; type: string; sent: number; revoked: number }[]): SentDay[] {
  const byDay = new Map(days.map((day): [string, SentDay] => [day, { day, sent: {}, revoked: 0 }]));
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    if (row.sent > 0) entry.sent[row.type] = row.sent;
    entry.revoked += row.revoked;
  }
  return [...byDay.values()];
}

export async function getOverview(scope: Scope): Promise<ReportOverview> {
  const now = scope.deps.now();
  const since = new Date(now.getTime() - OVERVIEW_DAYS * 24 * 3600_000);
  const days = overviewDays(now);
  const [dailyRows, livePerType, serviceRows, outcomeRows] = await Promise.all([
    scope.db
      .select({
        day: sentDailyCounts.day,
        type: sentDailyCounts.indicatorType,
        sent: sum(sentDailyCounts.sentCount).mapWith(Number),
        revoked: sum(sentDailyCounts.revokedCount).mapWith(Number),
      })
      .from(sentDailyCounts)
      .where(and(eq(sentDailyCounts.orgId, scope.orgId), gte(sentDailyCounts.day, days[0] ?? "")))
      .groupBy(sentDailyCounts.day, sentDailyCounts.indicatorType),
    // Live = accepted, not revoked and not yet expired in Sentinel.
    scope.db
      .select({ type: sentState.indicatorType, count: count() })
      .from(sentState)
      .where(
        and(
          eq(sentState.orgId, scope.orgId),
          not(sentState.revoked),
          or(isNull(sentState.validUntil), gt(sentState.validUntil, now)),
        ),
      )
      .groupBy(sentState.indicatorType)
      .orderBy(sentState.indicatorType),
    scope.db
      .select({
        serviceId: services.id,
        name: services.name,
        slug: services.slug,
        isEnabled: services.isEnabled,
        scheduleIntervalHours: services.scheduleIntervalHours,
        createdAt: services.createdAt,
        lastSucceededAt:
          sql<Date | null>`coalesce(${serviceSyncState.lastSucceededAt}, ${services.lastSuccessfulRunAt})`.mapWith(
            (value: string | Date | null) => (value === null ? null : new Date(value)),
          ),
        consecutiveFailures: sql<number>`coalesce(${serviceSyncState.consecutiveFailures}, 0)`.mapWith(Number),
        failingSince: serviceSyncState.failingSince,
      })
      .from(services)
      .leftJoin(serviceSyncState, eq(serviceSyncState.serviceId, services.id))
      .where(eq(services.orgId, scope.orgId))
      .orderBy(services.name),
    scope.db
      .select({ serviceId: jobs.serviceId, status: jobs.status, count: count() })
      .from(jobs)
      .where(and(eq(jobs.orgId, scope.orgId), gte(jobs.createdAt, since)))
      .groupBy(jobs.serviceId, jobs.status),
  ]);
  return {
    days: OVERVIEW_DAYS,
    sentTypes: [...new Set(dailyRows.filter((row) => row.sent > 0).map((row) => row.type))].sort(),
    sentPerDay: zeroFilled(days, dailyRows),
    livePerType,
    services: serviceRows.map(({ createdAt, ...service }) => {
      const outcomes = noOutcomes();
      for (const row of outcomeRows) {
        if (row.serviceId === service.serviceId && row.status in outcomes) {
          outcomes[row.status as FinalJobStatus] = row.count;
        }
      }
      const dueAt =
        (service.lastSucceededAt ?? createdAt).getTime() + service.scheduleIntervalHours * 3600_000 + STALE_GRACE_MS;
      return {
        ...service,
        outcomes,
        overdueSince: service.isEnabled && now.getTime() > dueAt ? new Date(dueAt) : null,
      };
    }),
  };
}
