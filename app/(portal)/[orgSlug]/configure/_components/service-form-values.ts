import { INDICATOR_TYPES, type AzureCloud, type IndicatorType, type SentinelApi } from "@/lib/vocabulary";
import type { ServiceView } from "./configure-types";

/** What the inputs hold: text as typed, so a half-typed number is not lost or coerced while editing. */
export type FormValues = {
  name: string;
  isEnabled: boolean;
  azureCloud: AzureCloud;
  sentinelApi: SentinelApi;
  tenantId: string;
  clientId: string;
  workspaceId: string;
  sourceName: string;
  threatConnectBaseUrl: string;
  threatConnectAccessId: string;
  scheduleIntervalHours: string;
  maxRestartAttempts: string;
  failureNotificationThreshold: string;
  notificationEmails: string;
  ttlHours: Record<IndicatorType, string>;
};

export type TextFieldName = Exclude<keyof FormValues, "isEnabled" | "ttlHours" | "azureCloud" | "sentinelApi">;

/** What a new service starts with; the page passes the server's own defaults so the two cannot drift. */
export type ServiceDefaults = {
  isEnabled: boolean;
  azureCloud: AzureCloud;
  sentinelApi: SentinelApi;
  scheduleIntervalHours: number;
  maxRestartAttempts: number;
  failureNotificationThreshold: number;
  ttlHours: Record<IndicatorType, number>;
};

const ttlTextOf = (ttlHours: Record<IndicatorType, number>) =>
  Object.fromEntries(INDICATOR_TYPES.map((type) => [type, String(ttlHours[type])])) as Record<IndicatorType, string>;

export function emptyValues(defaults: ServiceDefaults): FormValues {
  return {
    name: "",
    isEnabled: defaults.isEnabled,
    azureCloud: defaults.azureCloud,
    sentinelApi: defaults.sentinelApi,
    tenantId: "",
    clientId: "",
    workspaceId: "",
    sourceName: "",
    threatConnectBaseUrl: "",
    threatConnectAccessId: "",
    scheduleIntervalHours: String(defaults.scheduleIntervalHours),
    maxRestartAttempts: String(defaults.maxRestartAttempts),
    failureNotificationThreshold: String(defaults.failureNotificationThreshold),
    notificationEmails: "",
    ttlHours: ttlTextOf(defaults.ttlHours),
  };
}

export function valuesOf(service: ServiceView): FormValues {
  return {
    name: service.name,
    isEnabled: service.isEnabled,
    azureCloud: service.azureCloud,
    sentinelApi: service.sentinelApi,
    tenantId: service.tenantId,
    clientId: service.clientId,
    workspaceId: service.workspaceId,
    sourceName: service.sourceName,
    threatConnectBaseUrl: service.threatConnectBaseUrl,
    threatConnectAccessId: service.threatConnectAccessId,
    scheduleIntervalHours: String(service.scheduleIntervalHours),
    maxRestartAttempts: String(service.maxRestartAttempts),
    failureNotificationThreshold: String(service.failureNotificationThreshold),
    notificationEmails: service.notificationEmails.join(", "),
    ttlHours: ttlTextOf(service.ttlHours),
  };
}

/** Blank stays NaN rather than 0 so the server answers "must be a number" instead of a misleading range error. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/** The form's values in the shape the service procedures take; every check is left to the server. */
export function settingsOf(values: FormValues) {
  return {
    name: values.name,
    isEnabled: values.isEnabled,
    azureCloud: values.azureCloud,
    sentinelApi: values.sentinelApi,
    tenantId: values.tenantId,
    clientId: values.clientId,
    workspaceId: values.workspaceId,
    sourceName: values.sourceName,
    threatConnectBaseUrl: values.threatConnectBaseUrl,
    threatConnectAccessId: values.threatConnectAccessId,
    scheduleIntervalHours: numberOf(values.scheduleIntervalHours),
    maxRestartAttempts: numberOf(values.maxRestartAttempts),
    failureNotificationThreshold: numberOf(values.failureNotificationThreshold),
    notificationEmails: values.notificationEmails.split(/[\s,;]+/).filter(Boolean),
    ttlHours: Object.fromEntries(INDICATOR_TYPES.map((type) => [type, numberOf(values.ttlHours[type])])) as Record<
      IndicatorType,
      number
    >,
  };
}
export type ServiceSettings = ReturnType<typeof settingsOf>;

/**
 * Only the fields this form changed, so saving never overwrites a field someone else changed meanwhile, and the
 * server's checks that depend on a change (a new ThreatConnect host needs the secret key again) see only real ones.
 */
export function changedSettings(service: ServiceView, values: FormValues): Partial<ServiceSettings> {
  const before = settingsOf(valuesOf(service));
  const after = settingsOf(values);
  return Object.fromEntries(
    (Object.keys(after) as (keyof ServiceSettings)[])
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => [key, after[key]]),
  );
}

/** An empty optional input means "use the saved value", which the procedures express as an absent field. */
export const blankToUndefined = (text: string) => (text.trim() === "" ? undefined : text);
