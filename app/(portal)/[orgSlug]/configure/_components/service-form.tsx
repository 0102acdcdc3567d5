"use client";

import { Card, Field, Select, Textarea } from "@/app/_components/ui";
import { AZURE_CLOUDS, SENTINEL_APIS, type AzureCloud, type SentinelApi } from "@/lib/vocabulary";
import type { ServiceView } from "./configure-types";
import { ConnectionTestCard } from "./connection-test-card";
import { DeleteService } from "./delete-service";
import { SecretField, type SecretName } from "./secret-field";
import { SaveBar, TextField } from "./service-form-controls";
import { emptyValues, valuesOf, type ServiceDefaults } from "./service-form-values";
import { TtlFields } from "./ttl-fields";
import { useServiceForm } from "./use-service-form";

const AZURE_CLOUD_LABELS: Record<AzureCloud, string> = {
  public: "Azure public cloud",
  usgov: "Azure US Government",
};
const SENTINEL_API_LABELS: Record<SentinelApi, string> = {
  "stix-objects": "STIX objects (default)",
  "legacy-indicators": "Legacy indicators",
};
const GUID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

type ServiceFormProps = {
  orgSlug: string;
  /** What Sentinel puts before the source name, from the server's mapping, for the live preview. */
  sourceSystemPrefix: string;
} & ({ mode: "create"; defaults: ServiceDefaults } | { mode: "edit"; service: ServiceView; canEdit: boolean });

export function ServiceForm(props: ServiceFormProps) {
  const { orgSlug, sourceSystemPrefix } = props;
  const service = props.mode === "edit" ? props.service : undefined;
  const canEdit = props.mode === "create" || props.canEdit;
  const form = useServiceForm({
    orgSlug,
    service,
    initialValues: props.mode === "edit" ? valuesOf(props.service) : emptyValues(props.defaults),
  });
  const { values, set, errors, secrets } = form;
  const secretField = (name: SecretName, label: string, hint: string) => (
    <SecretField
      name={name}
      label={label}
      hint={hint}
      error={errors[name]}
      secrets={secrets}
      service={service}
      canEdit={canEdit}
    />
  );

  return (
    <form
      noValidate
      aria-label={service ? "Service settings" : "New service"}
      onSubmit={(event) => {
        event.preventDefault();
        form.submit();
      }}
    >
      <fieldset disabled={!canEdit} className="space-y-6">
        <Card title="Service" description="What this service is called, whether it runs, and how often.">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField form={form} name="name" label="Name">
              Unique in this organization, e.g. Microsoft Sentinel - Production.
            </TextField>
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
            <TextField form={form} name="scheduleIntervalHours" label="Schedule interval hours" isNumeric>
              How often indicators are sent, from 1 to 168 hours.
            </TextField>
            <TextField form={form} name="maxRestartAttempts" label="Max restart attempts on failure" isNumeric>
              How many times a failed run is retried; 10 is recommended.
            </TextField>
            <TextField
              form={form}
              name="failureNotificationThreshold"
              label="Failed runs in a row before notifying"
              isNumeric
            >
              From 1 to 100; 3 by default. A run whose restarts are exhausted is reported at once.
            </TextField>
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

        <ConnectionTestCard
          title="Microsoft Sentinel"
          description="The Entra ID app registration and the Sentinel workspace indicators are sent to."
          testLabel="Test Azure"
          testId="azure-test-result"
          test={form.testAzure}
          onTest={form.runAzureTest}
          canEdit={canEdit}
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Azure cloud" htmlFor="service-azureCloud" error={errors.azureCloud}>
              <Select
                id="service-azureCloud"
                value={values.azureCloud}
                onChange={(event) => set("azureCloud")(event.target.value as AzureCloud)}
              >
                {AZURE_CLOUDS.map((cloud) => (
                  <option key={cloud} value={cloud}>
                    {AZURE_CLOUD_LABELS[cloud]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Sentinel API" htmlFor="service-sentinelApi" error={errors.sentinelApi}>
              <Select
                id="service-sentinelApi"
                value={values.sentinelApi}
                onChange={(event) => set("sentinelApi")(event.target.value as SentinelApi)}
              >
                {SENTINEL_APIS.map((api) => (
                  <option key={api} value={api}>
                    {SENTINEL_API_LABELS[api]}
                  </option>
                ))}
              </Select>
            </Field>
            <TextField form={form} name="tenantId" label="Tenant ID" placeholder={GUID_PLACEHOLDER} isCode>
              The ID of the Entra ID (Azure AD) tenant.
            </TextField>
            <TextField form={form} name="clientId" label="Client ID" placeholder={GUID_PLACEHOLDER} isCode>
              The application (client) ID of the app registered in Entra ID.
            </TextField>
            {secretField("clientSecret", "Client secret", "The value of the client secret added to that app.")}
            <TextField
              form={form}
              name="workspaceId"
              label="Sentinel workspace ID"
              placeholder={GUID_PLACEHOLDER}
              isCode
            />
            <TextField form={form} name="sourceName" label="Sentinel source name">
              Sentinel shows indicators under{" "}
              <span data-testid="effective-source-name" className="font-medium text-slate-700">
                {sourceSystemPrefix}
                {values.sourceName.trim()}
              </span>
            </TextField>
          </div>
        </ConnectionTestCard>

        <ConnectionTestCard
          title="ThreatConnect"
          description="The API user whose organization, and the communities and sources it belongs to, are the owners queries can read."
          testLabel="Test ThreatConnect"
          testId="threatconnect-test-result"
          test={form.testThreatConnect}
          onTest={form.runThreatConnectTest}
          canEdit={canEdit}
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <TextField
                form={form}
                name="threatConnectBaseUrl"
                label="ThreatConnect base URL"
                placeholder="https://companyabc.threatconnect.com"
              />
            </div>
            <TextField form={form} name="threatConnectAccessId" label="Access ID" />
            {secretField(
              "threatConnectSecretKey",
              "Secret key",
              "The API user's secret key. A new base URL or access ID needs it again.",
            )}
          </div>
        </ConnectionTestCard>

        <TtlFields ttlHours={values.ttlHours} error={errors.ttlHours} onChange={set("ttlHours")} />
      </fieldset>

      {canEdit ? <SaveBar form={form} label={service ? "Save settings" : "Create service"} /> : null}
      {service && canEdit ? (
        <DeleteService orgSlug={orgSlug} serviceId={service.id} serviceName={service.name} />
      ) : null}
    </form>
  );
}
