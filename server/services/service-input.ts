import { z } from "zod";
import { AZURE_CLOUDS, INDICATOR_TYPES, RUN_MODES, SENTINEL_APIS, type IndicatorType } from "@/lib/vocabulary";
import { DEFAULT_TTL_HOURS } from "../stix";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
export const MAX_TTL_HOURS = 8760;
export const MAX_SCHEDULE_INTERVAL_HOURS = 168;
export const MAX_RESTART_ATTEMPTS = 100;
export const MAX_FAILURE_NOTIFICATION_THRESHOLD = 100;
const MAX_SOURCE_NAME_LENGTH = 100;
const MAX_SECRET_LENGTH = 1024;

const guid = (label: string) =>
  z
    .string(`${label} is required`)
    .trim()
    .regex(GUID, `${label} must be a GUID such as 00000000-0000-0000-0000-000000000000`)
    .transform((value) => value.toLowerCase());

const secret = (label: string) =>
  z
    .string(`${label} is required`)
    .min(1, `${label} is required`)
    .max(MAX_SECRET_LENGTH, `${label} must be at most ${MAX_SECRET_LENGTH} characters`);

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .number(`${label} must be a number`)
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be from ${min} to ${max}`)
    .max(max, `${label} must be from ${min} to ${max}`);

/** https only, except loopback hosts so a ThreatConnect emulator on this machine works. */
export const threatConnectBaseUrl = z
  .string("ThreatConnect base URL is required")
  .trim()
  .min(1, "ThreatConnect base URL is required")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "ThreatConnect base URL must be a URL such as https://companyabc.threatconnect.com",
      });
      return;
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
      ctx.addIssue({
        code: "custom",
        message: "ThreatConnect base URL must start with https:// (http:// is allowed only for 127.0.0.1 or localhost)",
      });
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({
        code: "custom",
        message: "ThreatConnect base URL must not contain credentials, a query string or a fragment",
      });
    }
  })
  .transform((value) => value.replace(/\/+$/, ""));

const ttlHoursShape = Object.fromEntries(
  INDICATOR_TYPES.map((type) => [type, wholeNumber(`TTL hours for ${type}`, 1, MAX_TTL_HOURS)]),
) as Record<IndicatorType, z.ZodNumber>;

export const ttlHours = z.object(
  ttlHoursShape,
  "TTL hours must give a number of hours for each of the nine indicator types",
);

/**
 * Sentinel gets "ThreatConnect-<source name>": 100 characters keeps that far inside Sentinel's 256-character
 * sourcesystem limit, and the prefix means it can never equal the reserved "Microsoft Sentinel".
 */
export const sourceName = z
  .string("Source name is required")
  .trim()
  .min(1, "Source name is required")
  .max(MAX_SOURCE_NAME_LENGTH, `Source name must be at most ${MAX_SOURCE_NAME_LENGTH} characters`)
  .regex(/^[^\p{Cc}]+$/u, "Source name must not contain control characters");

export const notificationEmails = z
  .array(
    z.string().trim().pipe(z.email("Each notification email must be a valid email address")),
    "Notification emails must be a list",
  )
  .max(20, "At most 20 notification emails")
  .transform((emails) => [...new Set(emails.map((email) => email.toLowerCase()))]);

const settingsFields = {
  name: z
    .string("Name is required")
    .trim()
    .min(1, "Name is required")
    .max(100, "Name must be at most 100 characters")
    .regex(/^[^\p{Cc}]+$/u, "Name must not contain control characters"),
  isEnabled: z.boolean("Enabled must be true or false"),
  azureCloud: z.enum(AZURE_CLOUDS, "Azure cloud must be public or usgov"),
  sentinelApi: z.enum(SENTINEL_APIS, "Sentinel API must be stix-objects or legacy-indicators"),
  tenantId: guid("Tenant ID"),
  clientId: guid("Client ID"),
  workspaceId: guid("Workspace ID"),
  sourceName,
  threatConnectBaseUrl,
  threatConnectAccessId: z
    .string("ThreatConnect access ID is required")
    .trim()
    .min(1, "ThreatConnect access ID is required")
    .max(100, "ThreatConnect access ID must be at most 100 characters"),
  scheduleIntervalHours: wholeNumber("Schedule interval hours", 1, MAX_SCHEDULE_INTERVAL_HOURS),
  ttlHours,
  notificationEmails,
  maxRestartAttempts: wholeNumber("Max restart attempts", 0, MAX_RESTART_ATTEMPTS),
  failureNotificationThreshold: wholeNumber("Failed runs before notifying", 1, MAX_FAILURE_NOTIFICATION_THRESHOLD),
};

const secretFields = {
  clientSecret: secret("Client secret"),
  threatConnectSecretKey: secret("ThreatConnect secret key"),
};

export const SERVICE_DEFAULTS = {
  isEnabled: true,
  azureCloud: "public",
  sentinelApi: "stix-objects",
  scheduleIntervalHours: 24,
  ttlHours: { ...DEFAULT_TTL_HOURS },
  notificationEmails: [],
  maxRestartAttempts: 10,
  failureNotificationThreshold: 3,
} as const;

export const createServiceInput = z.object({
  ...settingsFields,
  ...secretFields,
  isEnabled: settingsFields.isEnabled.default(SERVICE_DEFAULTS.isEnabled),
  azureCloud: settingsFields.azureCloud.default(SERVICE_DEFAULTS.azureCloud),
  sentinelApi: settingsFields.sentinelApi.default(SERVICE_DEFAULTS.sentinelApi),
  scheduleIntervalHours: settingsFields.scheduleIntervalHours.default(SERVICE_DEFAULTS.scheduleIntervalHours),
  ttlHours: ttlHours.default(() => ({ ...DEFAULT_TTL_HOURS })),
  notificationEmails: notificationEmails.default([]),
  maxRestartAttempts: settingsFields.maxRestartAttempts.default(SERVICE_DEFAULTS.maxRestartAttempts),
  failureNotificationThreshold: settingsFields.failureNotificationThreshold.default(
    SERVICE_DEFAULTS.failureNotificationThreshold,
  ),
});
export type CreateServiceInput = z.infer<typeof createServiceInput>;

export const serviceId = z.uuid("Service id must be a UUID");

/** Every field optional; a secret given here replaces the stored one, an absent secret keeps it. */
export const updateServiceInput = z
  .object({ ...settingsFields, ...secretFields })
  .partial()
  .extend({ serviceId });
export type UpdateServiceInput = z.infer<typeof updateServiceInput>;

/** Just-typed values for "Test ThreatConnect"; with a serviceId, absent values come from the saved service. */
export const testThreatConnectInput = z.object({
  serviceId: serviceId.optional(),
  threatConnectBaseUrl: threatConnectBaseUrl.optional(),
  threatConnectAccessId: settingsFields.threatConnectAccessId.optional(),
  threatConnectSecretKey: secretFields.threatConnectSecretKey.optional(),
});
export type TestThreatConnectInput = z.infer<typeof testThreatConnectInput>;

export const testAzureInput = z.object({
  serviceId: serviceId.optional(),
  azureCloud: settingsFields.azureCloud.optional(),
  sentinelApi: settingsFields.sentinelApi.optional(),
  tenantId: settingsFields.tenantId.optional(),
  clientId: settingsFields.clientId.optional(),
  workspaceId: settingsFields.workspaceId.optional(),
  clientSecret: secretFields.clientSecret.optional(),
});
export type TestAzureInput = z.infer<typeof testAzureInput>;

export const runMode = z.enum(RUN_MODES, "Run mode must be delta or full");
