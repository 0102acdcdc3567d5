"use client";

import { useActionState } from "react";
import { Alert, Button, Field, Input } from "@/app/_components/ui";
import { signInWithPassword, type SignInState } from "../actions";

export function SignInForm({ callbackUrl, defaultEmail }: { callbackUrl: string; defaultEmail?: string }) {
  const [state, formAction, isPending] = useActionState<SignInState, FormData>(signInWithPassword, {
    email: defaultEmail,
  });
  return (
    <form action={formAction} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.error ? <Alert>{state.error}</Alert> : null}
      <Field label="Email" htmlFor="email">
        <Input id="email" name="email" type="email" autoComplete="email" required defaultValue={state.email} />
      </Field>
      <Field label="Password" htmlFor="password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={isPending}>
        {isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
