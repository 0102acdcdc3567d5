import { sql } from "drizzle-orm";
import type { Scope } from "../scope";

/**
 * System verb for the periodic sweep: the services whose state calls for a notice that has not been sent (the
 * same rule as noticeDue, in SQL), so a notice missed by the finished-job event still goes out.
 */
export async function servicesDueNotice(system: Pick<Scope, "db">): Promise<{ orgId: string; serviceId: string }[]> {
  const rows = await system.db.execute<{ org_id: string; service_id: string }>(sql`
    select s.org_id, s.id as service_id
    from services s
    left join service_sync_state st on st.service_id = s.id
    left join lateral (
      select n.kind from notifications n
      where n.service_id = s.id
      order by n.created_at desc, n.id desc
      limit 1
    ) last on true
    where ((st.failing_since is not null or st.consecutive_failures >= s.failure_notification_threshold)
           and last.kind is distinct from 'failure')
       or (coalesce(st.consecutive_failures, 0) = 0 and st.failing_since is null and last.kind = 'failure')
  `);
  return rows.map((row) => ({ orgId: row.org_id, serviceId: row.service_id }));
}
