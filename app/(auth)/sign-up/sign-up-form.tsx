"use client";

import { useMutation } from "@tanstack/react-query";
import { startTransition, useActionState, useState } from "react";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Field, Input } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import { signInWithPassword, type SignInState } from "../actions";

export function SignUpForm({ callbackUrl, defaultEmail }: { callbackUrl: string; defaultEmail?: string | undefined }) {
  const trpc = useTRPC();
  const [signInState, signIn, isSigningIn] = useActionState<SignInState, FormData>(signInWithPassword, {});
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [form, setForm] = useState({ name: "", email: defaultEmail ?? "", password: "" });
  const errors = fieldErrorsOf(signUp.error);
  const formError = formErrorOf(signUp.error) ?? signInState.error;

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signUp.mutate(form, {
      onSuccess: () => {
        const credentials = new FormData();
        credentials.set("email", form.email);
        credentials.set("password", form.password);
        credentials.set("callbackUrl", callbackUrl);
        startTransition(() => signIn(credentials));
      },
    });
  }

  return (
    <form onSubmit={submit} className="mt-4 space-y-4" noValidate>
      {formError ? <Alert>{formError}</Alert> : null}
      <Field label="Name" htmlFor="name" error={errors.name}>
        <Input
          id="name"
          autoComplete="name"
          value={form.name}
          aria-invalid={Boolean(errors.name)}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
      </Field>
      <Field label="Email" htmlFor="email" error={errors.email}>
        <Input
          id="email"
          type="email"
          autoComplete="email"
          value={form.email}
          aria-invalid={Boolean(errors.email)}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
      </Field>
      <Field
        label="Password"
        htmlFor="password"
        error={errors.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      >
        <Input
          id="password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          aria-invalid={Boolean(errors.password)}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={signUp.isPending || isSigningIn}>
        {signUp.isPending || isSigningIn ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
