import { describe, expect, test } from "vitest";
import { callerFor, errorOf, makeOrg } from "@/test/db";
import { serviceInput } from "@/test/services";

const OTHER_TENANT = "0f0e0d0c-0b0a-4908-8706-050403020100";
const OTHER_CLIENT = "11111111-2222-4333-8444-555555555555";

describe("the saved Azure client secret stays with its tenant and app registration", () => {
  test.each([
    ["tenant ID", { tenantId: OTHER_TENANT }],
    ["client ID", { clientId: OTHER_CLIENT }],
  ])("changing the %s without the secret is refused on the secret field", async (_label, change) => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const error = await errorOf(api.service.update({ orgSlug: org.slug, serviceId: created.id, ...change }));
    expect(error.fieldErrors.clientSecret).toEqual([
      "Re-enter the client secret when changing the tenant ID or client ID",
    ]);
    const moved = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      ...change,
      clientSecret: "secret-of-the-other-registration",
    });
    expect(moved).toMatchObject(change);
  });

  test("testing a different tenant or client ID needs the secret typed, not the saved one", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const created = await api.service.create({ orgSlug: org.slug, ...serviceInput() });
    const error = await errorOf(
      api.service.testAzure({ orgSlug: org.slug, serviceId: created.id, tenantId: OTHER_TENANT }),
    );
    expect(error.fieldErrors.clientSecret).toEqual([
      "Enter the client secret to test a different tenant ID or client ID",
    ]);
  });

  test("saving the same tenant and client ID again needs no secret", async () => {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner);
    const input = serviceInput();
    const created = await api.service.create({ orgSlug: org.slug, ...input });
    const saved = await api.service.update({
      orgSlug: org.slug,
      serviceId: created.id,
      tenantId: input.tenantId,
      clientId: input.clientId,
      sourceName: "Renamed",
    });
    expect(saved.sourceName).toBe("Renamed");
  });
});
