import { describe, expect, test } from "vitest";
import { callerFor, errorOf, makeOrg } from "@/test/db";
import { emulatedServiceInput, useEmulators } from "@/test/services";

const emulators = useEmulators();

/**
 * The query dialog has no rules of its own: it sends the draft to query.validate and shows that procedure's field
 * errors next to the owners, types and TQL inputs, and accepts the draft on any answer ThreatConnect gives.
 */
describe("the query dialog's check of a draft", () => {
  async function serviceOfNewOrg() {
    const { org, owner } = await makeOrg();
    const api = callerFor(owner, emulators.deps);
    const service = await api.service.create({ orgSlug: org.slug, ...emulatedServiceInput(emulators) });
    return { api, orgSlug: org.slug, serviceId: service.id };
  }

  test("an empty draft gets one field error per input the dialog marks", async () => {
    const { api, orgSlug, serviceId } = await serviceOfNewOrg();
    const error = await errorOf(api.query.validate({ orgSlug, serviceId, owners: [], types: [], tql: "  " }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors).toEqual({
      owners: ["Select at least one owner to query"],
      types: ["Select at least one indicator type"],
      tql: ["TQL is required"],
    });
  });

  test("a complete draft is answered, even when ThreatConnect rejects its TQL, so the dialog accepts it", async () => {
    const { api, orgSlug, serviceId } = await serviceOfNewOrg();
    const verdict = await api.query.validate({
      orgSlug,
      serviceId,
      owners: ["Demo Organization"],
      types: ["Address"],
      tql: "rating > 3 AND",
    });
    expect(verdict.ok).toBe(false);
  });
});
