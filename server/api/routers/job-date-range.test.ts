import { describe, expect, test } from "vitest";
import { orgWithService, seedJob } from "@/server/reports/seed.test-support";
import { errorOf } from "@/test/db";

describe("job.list date range", () => {
  test("keeps jobs created from the start (inclusive) to the end (exclusive), across pages", async () => {
    const { org, service, api } = await orgWithService();
    const at = (day: number) => new Date(Date.UTC(2033, 0, day));
    const [before, first, second, end] = await Promise.all(
      [1, 2, 3, 4].map((day) => seedJob({ orgId: org.id, serviceId: service.id }, { createdAt: at(day) })),
    );
    const range = { orgSlug: org.slug, createdFrom: at(2), createdTo: at(4) };
    const page = await api.job.list({ ...range, limit: 1 });
    expect(page.items.map((item) => item.requestId)).toEqual([second?.requestId]);
    const next = await api.job.list({ ...range, limit: 1, cursor: page.nextCursor ?? undefined });
    expect(next.items.map((item) => item.requestId)).toEqual([first?.requestId]);
    expect(next.nextCursor).toBeNull();
    const all = await api.job.list({ orgSlug: org.slug });
    expect(all.items.map((item) => item.requestId)).toEqual([end, second, first, before].map((job) => job?.requestId));
  });

  test("an end before the start is refused on the end field", async () => {
    const { org, api } = await orgWithService();
    const refused = await errorOf(
      api.job.list({ orgSlug: org.slug, createdFrom: new Date("2033-01-05"), createdTo: new Date("2033-01-01") }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.fieldErrors.createdTo).toEqual(["Created to must be after created from"]);
  });
});
