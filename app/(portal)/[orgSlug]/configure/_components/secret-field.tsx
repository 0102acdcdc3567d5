"use client";

import { useRef, useState, type ReactNode, type RefObject } from "react";
import { Button, Field, PasswordInput } from "@/app/_components/ui";
import { formatDateTime, type ServiceView } from "./configure-types";
import { blankToUndefined } from "./service-form-values";

export type SecretName = keyof ServiceView["secrets"];

const NOT_REPLACING: Record<SecretName, boolean> = { clientSecret: false, threatConnectSecretKey: false };

/**
 * The write-only secrets of a service form. The inputs stay uncontrolled: React never mirrors a typed secret into
 * state or a DOM attribute. A saved service shows "Set" until the user chooses to replace a secret.
 */
export function useSecretInputs(isSaved: boolean) {
  const [replacing, setReplacing] = useState(NOT_REPLACING);
  const refs: Record<SecretName, RefObject<HTMLInputElement | null>> = {
    clientSecret: useRef<HTMLInputElement>(null),
    threatConnectSecretKey: useRef<HTMLInputElement>(null),
  };
  const isEditable = (name: SecretName) => !isSaved || replacing[name];
  return {
    refs,
    isEditable,
    setReplacing: (name: SecretName, isReplacing: boolean) =>
      setReplacing((current) => ({ ...current, [name]: isReplacing })),
    /** What the user typed, or undefined to keep the saved secret. */
    typed: (name: SecretName) => (isEditable(name) ? blankToUndefined(refs[name].current?.value ?? "") : undefined),
    forget: () => {
      for (const ref of Object.values(refs)) if (ref.current) ref.current.value = "";
      setReplacing(NOT_REPLACING);
    },
  };
}
export type SecretInputs = ReturnType<typeof useSecretInputs>;

export function SecretField({
  name,
  label,
  hint,
  error,
  secrets,
  service,
  canEdit,
}: {
  name: SecretName;
  label: string;
  hint: ReactNode;
  error: string | undefined;
  secrets: SecretInputs;
  service: ServiceView | undefined;
  canEdit: boolean;
}) {
  const id = `service-${name}`;
  if (!canEdit || !secrets.isEditable(name)) {
    const updatedAt = service?.secrets[name].updatedAt;
    return (
      <div className="space-y-1">
        <p className="block text-sm font-medium text-slate-700">{label}</p>
        <div className="flex flex-wrap items-center gap-3">
          <span data-testid={`${name}-status`} className="text-sm text-slate-600">
            Set{updatedAt ? ` · updated ${formatDateTime(updatedAt)}` : ""}
          </span>
          {canEdit ? (
            <Button
              variant="secondary"
              onClick={() => secrets.setReplacing(name, true)}
              aria-label={`Replace ${label.toLowerCase()}`}
            >
              Replace
            </Button>
          ) : null}
        </div>
        {error ? (
          <p id={`${id}-error`} role="alert" className="text-xs text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <div className="flex gap-2">
        <PasswordInput
          id={id}
          ref={secrets.refs[name]}
          autoComplete="new-password"
          autoFocus={Boolean(service)}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : undefined}
          placeholder={service ? "New value" : undefined}
        />
        {service ? (
          <Button variant="ghost" className="whitespace-nowrap" onClick={() => secrets.setReplacing(name, false)}>
            Keep current
          </Button>
        ) : null}
      </div>
    </Field>
  );
}
