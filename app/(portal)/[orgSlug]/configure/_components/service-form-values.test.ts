import { describe, expect, it } from "vitest";
import { INDICATOR_TYPES } from "@/lib/vocabulary";
import type { ServiceView } from "./configure-types";
import { blankToUndefined, changedSettings, emptyValues, settingsOf, valuesOf } from "./service-form-values";

const ttlHours = Object.fromEntries(INDICATOR_TYPES.map((type) => [type, 24])) as ServiceView["ttlHours"];
const saved = {
  id: "6f1d1c8e-0c1a-4b0b-9f4e-3d2a1b0c9e8d",
  slug: "sentinel-production",
  name: "Sentinel Production",
  isEnabled: true,
  azureCloud: "public",
  sentinelApi: "stix-objects",
  tenantId: "00000000-0000-0000-0000-000000000001",
  clientId: "00000000-0000-0000-0000-000000000002",
  workspaceId: "00000000-0000-0000-0000-000000000003",
  sourceName: "Production",
  threatConnectBaseUrl: "https://companyabc.threatconnect.com",
  threatConnectAccessId: "10000000000000000001",
  scheduleIntervalHours: 24,
  maxRestartAttempts: 10,
  failureNotificationThreshold: 5,
  notificationEmails: ["soc@example.com", "cert@example.com"],
  ttlHours,
} as const;
const service = saved as unknown as ServiceView;

describe("service form values", () => {
  it("round-trips a saved service through the inputs unchanged", () => {
    const values = valuesOf(service);
    expect(values.notificationEmails).toBe("soc@example.com, cert@example.com");
    expect(values.ttlHours.URL).toBe("24");
    const { id: _id, slug: _slug, ...settings } = saved;
    expect(settingsOf(values)).toEqual(settings);
  });

  it("sends only the fields the user changed, so a save does not overwrite someone else's edit", () => {
    const values = valuesOf(service);
    expect(changedSettings(service, values)).toEqual({});
    const edited = {
      ...values,
      threatConnectBaseUrl: "https://other.threatconnect.com/",
      ttlHours: { ...values.ttlHours, Host: "48" },
    };
    expect(changedSettings(service, edited)).toEqual({
      threatConnectBaseUrl: "https://other.threatconnect.com/",
      ttlHours: { ...ttlHours, Host: 48 },
    });
  });

  it("leaves every check to the server: blank numbers become NaN, not 0, and emails split on any separator", () => {
    const values = {
      ...emptyValues({ ...saved, ttlHours }),
      scheduleIntervalHours: " ",
      failureNotificationThreshold: "",
      notificationEmails: "a@example.com;b@example.com\nc@example.com, ",
    };
    const settings = settingsOf(values);
    expect(settings.scheduleIntervalHours).toBeNaN();
    expect(settings.maxRestartAttempts).toBe(10);
    expect(settings.failureNotificationThreshold).toBeNaN();
    expect(settings.notificationEmails).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect(settings.threatConnectBaseUrl).toBe("");
  });

  it("treats a blank optional input as absent, meaning the saved value", () => {
    expect(blankToUndefined("  ")).toBeUndefined();
    expect(blankToUndefined(" key ")).toBe(" key ");
  });
});
