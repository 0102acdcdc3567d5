"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function CreateOrganizationForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const create = useMutation(
    trpc.organization.create.mutationOptions({ onSuccess: (org) => router.push(`/${org.slug}`) }),
  );
  const errors = fieldErrorsOf(create.error);
  const formError = formErrorOf(create.error);

  return (
    <Card title="Create an organization" description="You become its owner and can invite your team.">
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, ...(slug ? { slug } : {}) });
        }}
      >
        {formError ? (
          <div className="sm:col-span-2">
            <Alert>{formError}</Alert>
          </div>
        ) : null}
        <Field label="Organization name" htmlFor="org-name" error={errors.name}>
          <Input
            id="org-name"
            value={name}
            aria-invalid={Boolean(errors.name)}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field
          label="URL slug (optional)"
          htmlFor="org-slug"
          error={errors.slug}
          hint="Derived from the name when empty."
        >
          <Input
            id="org-slug"
            value={slug}
            placeholder="acme-security"
            aria-invalid={Boolean(errors.slug)}
            onChange={(e) => setSlug(e.target.value)}
          />
        </Field>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create organization"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
