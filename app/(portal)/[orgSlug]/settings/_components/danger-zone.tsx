"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

export function DangerZone({ orgSlug }: { orgSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirmSlug, setConfirmSlug] = useState("");
  const remove = useMutation(trpc.organization.delete.mutationOptions({ onSuccess: () => router.push("/orgs") }));
  const errors = fieldErrorsOf(remove.error);
  return (
    <Card
      title="Delete organization"
      description="Deletes every service, query, job and audit entry of this organization. This cannot be undone."
    >
      <form
        className="flex flex-wrap items-end gap-3"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate({ orgSlug, confirmSlug });
        }}
      >
        <div className="min-w-64 flex-1">
          <Field label={`Type ${orgSlug} to confirm`} htmlFor="confirm-delete" error={errors.confirmSlug}>
            <Input id="confirm-delete" value={confirmSlug} onChange={(e) => setConfirmSlug(e.target.value)} />
          </Field>
        </div>
        <Button type="submit" variant="danger" disabled={remove.isPending || confirmSlug !== orgSlug}>
          Delete organization
        </Button>
      </form>
      {formErrorOf(remove.error) ? (
        <div className="mt-3">
          <Alert>{formErrorOf(remove.error)}</Alert>
        </div>
      ) : null}
    </Card>
  );
}
