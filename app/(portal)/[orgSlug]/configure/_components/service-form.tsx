"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState, type ReactNode, type RefObject } from "react";
import type { AzureCloudSetting, SentinelApiSetting } from "@/db/schema/services";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card, Field, Input, PasswordInput, Select, Textarea } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import {
  effectiveSourceNameOf,
  formatDateTime,
  INDICATOR_TYPES,
  type IndicatorType,
  type ServiceView,
} from "./configure-types";
import { ConnectionTestResult } from "./connection-test-result";

type SecretField = "clientSecret" | "threatConnectSecretKey";

type FormValues = {
  name: string;
  isEnabled: boolean;
  azureCloud: AzureCloudSetting;
  sentinelApi: SentinelApiSetting;
  tenantId: string;
  clientId: string;
  workspaceId: string;
  sourceName: string;
  threatConnectBaseUrl: string;
  threatConnectAccessId: string;
  scheduleIntervalHours: string;
  maxRestartAttempts: string;
  notificationEmails: string;
  ttlHours: Record<IndicatorType, string>;
};

/** What a new service starts with; the page passes the server's own defaults so the two cannot drift. */
export type ServiceDefaults = {
  isEnabled: boolean;
  azureCloud: AzureCloudSetting;
  sentinelApi: SentinelApiSetting;
  scheduleIntervalHours: number;
  maxRestartAttempts: number;
  ttlHours: Record<IndicatorType, number>;
};

const TTL_LABELS: Record<IndicatorType, string> = {
  Address: "Address",
  ASN: "ASN",
  CIDR: "CIDR",
  EmailAddress: "Email Address",
  "Email Subject": "Email Subject",
  File: "File",
  Host: "Host",
  "Registry Key": "Registry Key",
  URL: "URL",
};

const ttlTextOf = (ttlHours: Record<IndicatorType, number>) =>
  Object.fromEntries(INDICATOR_TYPES.map((type) => [type, String(ttlHours[type])])) as Record<IndicatorType, string>;

function emptyValues(defaults: ServiceDefaults): FormValues {
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
    notificationEmails: "",
    ttlHours: ttlTextOf(defaults.ttlHours),
  };
}

function valuesOf(service: ServiceView): FormValues {
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
    notificationEmails: service.notificationEmails.join(", "),
    ttlHours: ttlTextOf(service.ttlHours),
  };
}

/** Blank stays NaN rather than 0 so the server answers "must be a number" instead of a misleading range error. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function settingsOf(values: FormValues) {
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
    notificationEmails: values.notificationEmails.split(/[\s,;]+/).filter(Boolean),
    ttlHours: Object.fromEntries(INDICATOR_TYPES.map((type) => [type, numberOf(values.ttlHours[type])])) as Record<
      IndicatorType,
      number
    >,
  };
}
type Settings = ReturnType<typeof settingsOf>;

/** Only what changed, so an unchanged field never shows up as an edit in the audit log. */
function changedSettings(service: ServiceView, values: FormValues): Partial<Settings> {
  const before = settingsOf(valuesOf(service));
  const after = settingsOf(values);
  return Object.fromEntries(
    (Object.keys(after) as (keyof Settings)[])
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => [key, after[key]]),
  );
}

const blankToUndefined = (text: string) => (text.trim() === "" ? undefined : text);

type ServiceFormProps = { orgSlug: string } & (
  { mode: "create"; defaults: ServiceDefaults } | { mode: "edit"; service: ServiceView; canEdit: boolean }
);

export function ServiceForm(props: ServiceFormProps) {
  const { orgSlug } = props;
  const service = props.mode === "edit" ? props.service : undefined;
  const canEdit = props.mode === "create" || props.canEdit;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [values, setValues] = useState<FormValues>(() =>
    props.mode === "edit" ? valuesOf(props.service) : emptyValues(props.defaults),
  );
  const [replacing, setReplacing] = useState<Record<SecretField, boolean>>({
    clientSecret: false,
    threatConnectSecretKey: false,
  });
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  // Secret inputs stay uncontrolled: React never mirrors their value into state or a DOM attribute.
  const secretRefs: Record<SecretField, RefObject<HTMLInputElement | null>> = {
    clientSecret: useRef<HTMLInputElement>(null),
    threatConnectSecretKey: useRef<HTMLInputElement>(null),
  };
  const isSecretEditable = (field: SecretField) => !service || replacing[field];
  const typedSecret = (field: SecretField) =>
    isSecretEditable(field) ? blankToUndefined(secretRefs[field].current?.value ?? "") : undefined;
  const forgetTypedSecrets = () => {
    for (const ref of Object.values(secretRefs)) if (ref.current) ref.current.value = "";
    setReplacing({ clientSecret: false, threatConnectSecretKey: false });
  };

  const invalidateServices = async () => {
    await queryClient.invalidateQueries(trpc.service.pathFilter());
    await queryClient.invalidateQueries(trpc.audit.pathFilter());
  };
  const create = useMutation(
    trpc.service.create.mutationOptions({
      onSuccess: async (created) => {
        forgetTypedSecrets();
        await invalidateServices();
        router.push(`/${orgSlug}/configure/services/${created.slug}`);
      },
    }),
  );
  const update = useMutation(
    trpc.service.update.mutationOptions({
      onSuccess: async (updated) => {
        forgetTypedSecrets();
        setValues(valuesOf(updated));
        setSavedAt(new Date());
        queryClient.setQueryData(trpc.service.bySlug.queryKey({ orgSlug, serviceSlug: updated.slug }), updated);
        await invalidateServices();
        if (updated.slug !== service?.slug) router.replace(`/${orgSlug}/configure/services/${updated.slug}/settings`);
      },
    }),
  );
  const remove = useMutation(
    trpc.service.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.service.pathFilter());
        router.push(`/${orgSlug}/configure`);
      },
    }),
  );
  const testThreatConnect = useMutation(trpc.service.testThreatConnect.mutationOptions());
  const testAzure = useMutation(trpc.service.testAzure.mutationOptions());

  const save = service ? update : create;
  const errors = {
    ...fieldErrorsOf(testThreatConnect.error),
    ...fieldErrorsOf(testAzure.error),
    ...fieldErrorsOf(save.error),
  };
  const set =
    <K extends keyof FormValues>(key: K) =>
    (value: FormValues[K]) => {
      setValues((current) => ({ ...current, [key]: value }));
      setSavedAt(null);
    };
  const isThreatConnectTargetChanged =
    service !== undefined &&
    (values.threatConnectBaseUrl.trim().replace(/\/+$/, "") !== service.threatConnectBaseUrl ||
      values.threatConnectAccessId.trim() !== service.threatConnectAccessId);

  function submit() {
    const settings = settingsOf(values);
    const clientSecret = typedSecret("clientSecret");
    const threatConnectSecretKey = typedSecret("threatConnectSecretKey");
    if (!service) {
      create.mutate({
        orgSlug,
        ...settings,
        clientSecret: clientSecret ?? "",
        threatConnectSecretKey: threatConnectSecretKey ?? "",
      });
      return;
    }
    update.mutate({
      orgSlug,
      serviceId: service.id,
      ...changedSettings(service, values),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(threatConnectSecretKey !== undefined ? { threatConnectSecretKey } : {}),
    });
  }

  function runThreatConnectTest() {
    testThreatConnect.mutate({
      orgSlug,
      serviceId: service?.id,
      threatConnectBaseUrl: blankToUndefined(values.threatConnectBaseUrl),
      threatConnectAccessId: blankToUndefined(values.threatConnectAccessId),
      threatConnectSecretKey: typedSecret("threatConnectSecretKey"),
    });
  }

  function runAzureTest() {
    testAzure.mutate({
      orgSlug,
      serviceId: service?.id,
      azureCloud: values.azureCloud,
      sentinelApi: values.sentinelApi,
      tenantId: blankToUndefined(values.tenantId),
      clientId: blankToUndefined(values.clientId),
      workspaceId: blankToUndefined(values.workspaceId),
      clientSecret: typedSecret("clientSecret"),
    });
  }

  const text = (
    key: Exclude<keyof FormValues, "isEnabled" | "ttlHours" | "azureCloud" | "sentinelApi">,
    label: string,
    hint?: ReactNode,
    inputProps: { placeholder?: string; inputMode?: "numeric"; className?: string } = {},
  ) => (
    <Field label={label} htmlFor={`service-${key}`} error={errors[key]} hint={hint}>
      <Input
        id={`service-${key}`}
        value={values[key]}
        aria-invalid={Boolean(errors[key])}
        aria-describedby={errors[key] ? `service-${key}-error` : undefined}
        onChange={(event) => set(key)(event.target.value)}
        {...inputProps}
      />
    </Field>
  );

  const secret = (field: SecretField, label: string, hint: ReactNode) => {
    const id = `service-${field}`;
    if (!canEdit || (service && !replacing[field])) {
      const updatedAt = service?.secrets[field].updatedAt;
      return (
        <div className="space-y-1">
          <p className="block text-sm font-medium text-slate-700">{label}</p>
          <div className="flex flex-wrap items-center gap-3">
            <span data-testid={`${field}-status`} className="text-sm text-slate-600">
              Set{updatedAt ? ` · updated ${formatDateTime(updatedAt)}` : ""}
            </span>
            {canEdit ? (
              <Button
                variant="secondary"
                onClick={() => setReplacing((current) => ({ ...current, [field]: true }))}
                aria-label={`Replace ${label.toLowerCase()}`}
              >
                Replace
              </Button>
            ) : null}
          </div>
          {errors[field] ? (
            <p role="alert" className="text-xs text-red-700">
              {errors[field]}
            </p>
          ) : null}
        </div>
      );
    }
    return (
      <Field label={label} htmlFor={id} error={errors[field]} hint={hint}>
        <div className="flex gap-2">
          <PasswordInput
            id={id}
            ref={secretRefs[field]}
            autoComplete="new-password"
            autoFocus={Boolean(service)}
            aria-invalid={Boolean(errors[field])}
            placeholder={service ? "New value" : undefined}
          />
          {service ? (
            <Button
              variant="ghost"
              className="whitespace-nowrap"
              onClick={() => setReplacing((current) => ({ ...current, [field]: false }))}
            >
              Keep current
            </Button>
          ) : null}
        </div>
      </Field>
    );
  };

  return (
    <form
      noValidate
      aria-label={service ? "Service settings" : "New service"}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <fieldset disabled={!canEdit} className="space-y-6">
        <Card title="Service" description="What this service is called, whether it runs, and how often.">
          <div className="grid gap-4 sm:grid-cols-2">
            {text("name", "Name", "Unique in this organization, e.g. Microsoft Sentinel - Production.")}
            <div className="flex items-end pb-2">
              <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
                <input
                  type="checkbox"
                  className="size-4 rounded border-slate-300"
                  checked={values.isEnabled}
                  onChange={(event) => set("isEnabled")(event.target.checked)}
                />
                Enabled (runs on its schedule)
              </label>
            </div>
            {text(
              "scheduleIntervalHours",
              "Schedule interval hours",
              "How often indicators are sent, from 1 to 168 hours.",
              { inputMode: "numeric" },
            )}
            {text(
              "maxRestartAttempts",
              "Max restart attempts on failure",
              "How many times a failed run is retried; 10 is recommended.",
              { inputMode: "numeric" },
            )}
            <div className="sm:col-span-2">
              <Field
                label="Failure notification emails"
                htmlFor="service-notificationEmails"
                error={errors.notificationEmails}
                hint="Who is emailed when a run fails. Separate addresses with commas."
              >
                <Textarea
                  id="service-notificationEmails"
                  rows={2}
                  value={values.notificationEmails}
                  aria-invalid={Boolean(errors.notificationEmails)}
                  onChange={(event) => set("notificationEmails")(event.target.value)}
                  placeholder="soc-admin@example.com"
                />
              </Field>
            </div>
          </div>
        </Card>

        <Card
          title="Microsoft Sentinel"
          description="The Entra ID app registration and the Sentinel workspace indicators are sent to."
          actions={
            canEdit ? (
              <Button variant="secondary" onClick={runAzureTest} disabled={testAzure.isPending}>
                {testAzure.isPending ? "Testing…" : "Test Azure"}
              </Button>
            ) : null
          }
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Azure cloud" htmlFor="service-azureCloud" error={errors.azureCloud}>
              <Select
                id="service-azureCloud"
                value={values.azureCloud}
                onChange={(event) => set("azureCloud")(event.target.value as AzureCloudSetting)}
              >
                <option value="public">Azure public cloud</option>
                <option value="usgov">Azure US Government</option>
              </Select>
            </Field>
            <Field label="Sentinel API" htmlFor="service-sentinelApi" error={errors.sentinelApi}>
              <Select
                id="service-sentinelApi"
                value={values.sentinelApi}
                onChange={(event) => set("sentinelApi")(event.target.value as SentinelApiSetting)}
              >
                <option value="stix-objects">STIX objects (default)</option>
                <option value="legacy-indicators">Legacy indicators</option>
              </Select>
            </Field>
            {text("tenantId", "Tenant ID", "The ID of the Entra ID (Azure AD) tenant.", {
              placeholder: "00000000-0000-0000-0000-000000000000",
              className: "font-mono",
            })}
            {text("clientId", "Client ID", "The application (client) ID of the app registered in Entra ID.", {
              placeholder: "00000000-0000-0000-0000-000000000000",
              className: "font-mono",
            })}
            {secret("clientSecret", "Client secret", "The value of the client secret added to that app.")}
            {text("workspaceId", "Sentinel workspace ID", undefined, {
              placeholder: "00000000-0000-0000-0000-000000000000",
              className: "font-mono",
            })}
            {text(
              "sourceName",
              "Sentinel source name",
              <>
                Sentinel shows indicators under{" "}
                <span data-testid="effective-source-name" className="font-medium text-slate-700">
                  {effectiveSourceNameOf(values.sourceName)}
                </span>
              </>,
            )}
          </div>
          <ConnectionTestResult result={testAzure.data} error={testAzure.error} testId="azure-test-result" />
        </Card>

        <Card
          title="ThreatConnect"
          description="The API user whose organization, and the communities and sources it belongs to, are the owners queries can read."
          actions={
            canEdit ? (
              <Button variant="secondary" onClick={runThreatConnectTest} disabled={testThreatConnect.isPending}>
                {testThreatConnect.isPending ? "Testing…" : "Test ThreatConnect"}
              </Button>
            ) : null
          }
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              {text("threatConnectBaseUrl", "ThreatConnect base URL", undefined, {
                placeholder: "https://companyabc.threatconnect.com",
              })}
            </div>
            {text("threatConnectAccessId", "Access ID")}
            {secret(
              "threatConnectSecretKey",
              "Secret key",
              isThreatConnectTargetChanged
                ? "Changing the base URL or access ID needs the secret key again."
                : "The API user's secret key.",
            )}
          </div>
          {isThreatConnectTargetChanged && !replacing.threatConnectSecretKey && canEdit ? (
            <p className="mt-3 text-sm text-amber-800">
              You changed the base URL or access ID: replace the secret key too before saving.
            </p>
          ) : null}
          <ConnectionTestResult
            result={testThreatConnect.data}
            error={testThreatConnect.error}
            testId="threatconnect-test-result"
          />
        </Card>

        <Card
          title="Time to live"
          description="How many hours each indicator type stays valid in Sentinel after it is sent (valid_until)."
        >
          <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
            {INDICATOR_TYPES.map((type) => (
              <Field key={type} label={`TTL hours - ${TTL_LABELS[type]}`} htmlFor={`service-ttl-${type}`}>
                <Input
                  id={`service-ttl-${type}`}
                  inputMode="numeric"
                  value={values.ttlHours[type]}
                  aria-invalid={Boolean(errors.ttlHours?.includes(`for ${type} `))}
                  onChange={(event) => set("ttlHours")({ ...values.ttlHours, [type]: event.target.value })}
                />
              </Field>
            ))}
          </div>
          {errors.ttlHours ? (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {errors.ttlHours}
            </p>
          ) : null}
        </Card>
      </fieldset>

      {canEdit ? (
        <div className="sticky bottom-0 mt-6 flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 bg-slate-50/95 py-4 backdrop-blur">
          {formErrorOf(save.error) ? (
            <div className="mr-auto">
              <Alert>{formErrorOf(save.error)}</Alert>
            </div>
          ) : null}
          {Object.keys(fieldErrorsOf(save.error)).length > 0 ? (
            <p role="alert" className="mr-auto text-sm text-red-700">
              Fix the fields marked in red, then save again.
            </p>
          ) : null}
          {savedAt ? (
            <p role="status" className="text-sm text-green-700">
              Saved.
            </p>
          ) : null}
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : service ? "Save settings" : "Create service"}
          </Button>
        </div>
      ) : null}

      {service && canEdit ? (
        <DeleteService
          serviceName={service.name}
          isPending={remove.isPending}
          error={remove.error?.message}
          onDelete={() => remove.mutate({ orgSlug, serviceId: service.id })}
        />
      ) : null}
    </form>
  );
}

function DeleteService({
  serviceName,
  isPending,
  error,
  onDelete,
}: {
  serviceName: string;
  isPending: boolean;
  error: string | undefined;
  onDelete: () => void;
}) {
  const [isConfirming, setIsConfirming] = useState(false);
  return (
    <div className="mt-8 rounded-lg border border-red-200 bg-white px-5 py-4">
      <h2 className="text-base font-semibold text-red-800">Delete service</h2>
      <p className="mt-1 text-sm text-slate-600">
        Removes the service and its queries. Indicators already in Sentinel stay until their TTL ends.
      </p>
      {error ? (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      {isConfirming ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-700">Delete &ldquo;{serviceName}&rdquo; for good?</span>
          <Button variant="danger" onClick={onDelete} disabled={isPending} autoFocus>
            {isPending ? "Deleting…" : "Yes, delete"}
          </Button>
          <Button variant="secondary" onClick={() => setIsConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button variant="danger" className="mt-3" onClick={() => setIsConfirming(true)}>
          Delete service
        </Button>
      )}
    </div>
  );
}
