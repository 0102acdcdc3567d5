"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function RenameOrganization({ orgSlug, currentName }: { orgSlug: string; currentName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState(currentName);
  const rename = useMutation(
    trpc.organization.rename.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.organization.pathFilter());
        router.refresh();
      },
    }),
  );
  const errors = fieldErrorsOf(rename.error);
  return (
    <Card title="Organization name">
      <form
        className="flex flex-wrap items-end gap-3"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate({ orgSlug, name });
        }}
      >
        <div className="min-w-64 flex-1">
          <Field label="Name" htmlFor="rename-org" error={errors.name}>
            <Input
              id="rename-org"
              value={name}
              aria-invalid={Boolean(errors.name)}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
        </div>
        <Button type="submit" disabled={rename.isPending || name === currentName}>
          {rename.isPending ? "Saving…" : "Save name"}
        </Button>
      </form>
      {formErrorOf(rename.error) ? (
        <div className="mt-3">
          <Alert>{formErrorOf(rename.error)}</Alert>
        </div>
      ) : null}
      {rename.isSuccess ? <p className="mt-3 text-sm text-green-700">Saved.</p> : null}
    </Card>
  );
}
