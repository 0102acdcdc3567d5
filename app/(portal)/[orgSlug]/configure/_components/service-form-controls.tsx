import type { ReactNode } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Field, Input } from "@/app/_components/ui";
import type { TextFieldName } from "./service-form-values";
import type { ServiceFormState } from "./use-service-form";

/** A text input bound to one form value, showing the server's error for it in place of the hint. */
export function TextField({
  form,
  name,
  label,
  placeholder,
  isNumeric = false,
  isCode = false,
  children,
}: {
  form: ServiceFormState;
  name: TextFieldName;
  label: string;
  placeholder?: string;
  isNumeric?: boolean;
  isCode?: boolean;
  /** The hint under the input, replaced by the server's error when there is one. */
  children?: ReactNode;
}) {
  const id = `service-${name}`;
  const error = form.errors[name];
  return (
    <Field label={label} htmlFor={id} error={error} hint={children}>
      <Input
        id={id}
        value={form.values[name]}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => form.set(name)(event.target.value)}
        placeholder={placeholder}
        inputMode={isNumeric ? "numeric" : undefined}
        className={isCode ? "font-mono" : undefined}
      />
    </Field>
  );
}

/** Sticks to the bottom of the window so Save and the outcome of the last save stay in view on a long form. */
export function SaveBar({ form, label }: { form: ServiceFormState; label: string }) {
  const formError = formErrorOf(form.save.error);
  const hasFieldErrors = Object.keys(fieldErrorsOf(form.save.error)).length > 0;
  return (
    <div className="sticky bottom-0 mt-6 flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 bg-slate-50/95 py-4 backdrop-blur">
      {formError ? (
        <div className="mr-auto">
          <Alert>{formError}</Alert>
        </div>
      ) : null}
      {hasFieldErrors ? (
        <p role="alert" className="mr-auto text-sm text-red-700">
          Fix the fields marked in red, then save again.
        </p>
      ) : null}
      {form.isSaved ? (
        <p role="status" className="text-sm text-green-700">
          Saved.
        </p>
      ) : null}
      <Button type="submit" disabled={form.save.isPending}>
        {form.save.isPending ? "Saving…" : label}
      </Button>
    </div>
  );
}
