"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf } from "@/app/_components/errors";
import { useTRPC } from "@/app/_trpc/client";
import type { ServiceView } from "./configure-types";
import { useSecretInputs } from "./secret-field";
import { blankToUndefined, changedSettings, settingsOf, valuesOf, type FormValues } from "./service-form-values";

/**
 * The service form's state and its four procedures (create or update, and the two connection tests). Every rule
 * is the server's: its field errors come back keyed by the input they belong to.
 */
export function useServiceForm({
  orgSlug,
  service,
  initialValues,
}: {
  orgSlug: string;
  service: ServiceView | undefined;
  initialValues: FormValues;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [values, setValues] = useState(initialValues);
  const [isSaved, setIsSaved] = useState(false);
  const secrets = useSecretInputs(service !== undefined);

  const invalidateServices = async () => {
    await queryClient.invalidateQueries(trpc.service.pathFilter());
    await queryClient.invalidateQueries(trpc.audit.pathFilter());
  };
  const create = useMutation(
    trpc.service.create.mutationOptions({
      onSuccess: async (created) => {
        secrets.forget();
        await invalidateServices();
        router.push(`/${orgSlug}/configure/services/${created.slug}`);
      },
    }),
  );
  const update = useMutation(
    trpc.service.update.mutationOptions({
      onSuccess: async (updated) => {
        secrets.forget();
        setValues(valuesOf(updated));
        setIsSaved(true);
        queryClient.setQueryData(trpc.service.bySlug.queryKey({ orgSlug, serviceSlug: updated.slug }), updated);
        await invalidateServices();
        if (updated.slug !== service?.slug) router.replace(`/${orgSlug}/configure/services/${updated.slug}/settings`);
      },
    }),
  );
  const testThreatConnect = useMutation(trpc.service.testThreatConnect.mutationOptions());
  const testAzure = useMutation(trpc.service.testAzure.mutationOptions());
  const save = service ? update : create;

  const set =
    <K extends keyof FormValues>(key: K) =>
    (value: FormValues[K]) => {
      setValues((current) => ({ ...current, [key]: value }));
      setIsSaved(false);
    };

  function submit() {
    const clientSecret = secrets.typed("clientSecret");
    const threatConnectSecretKey = secrets.typed("threatConnectSecretKey");
    if (!service) {
      create.mutate({
        orgSlug,
        ...settingsOf(values),
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
      threatConnectSecretKey: secrets.typed("threatConnectSecretKey"),
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
      clientSecret: secrets.typed("clientSecret"),
    });
  }

  return {
    values,
    set,
    errors: {
      ...fieldErrorsOf(testThreatConnect.error),
      ...fieldErrorsOf(testAzure.error),
      ...fieldErrorsOf(save.error),
    },
    secrets,
    save,
    isSaved,
    submit,
    testThreatConnect,
    testAzure,
    runThreatConnectTest,
    runAzureTest,
  };
}
export type ServiceFormState = ReturnType<typeof useServiceForm>;
