"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { Alert, Button, Card, EmptyState, Field, Input, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

type Role = "owner" | "admin" | "member";

export function Invitations({ orgSlug, myRole }: { orgSlug: string; myRole: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: invitations } = useSuspenseQuery(trpc.invitation.list.queryOptions({ orgSlug }));
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [link, setLink] = useState<string | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const invalidate = () => queryClient.invalidateQueries(trpc.invitation.list.queryFilter({ orgSlug }));
  const create = useMutation(
    trpc.invitation.create.mutationOptions({
      onSuccess: ({ token }) => {
        setLink(`${window.location.origin}/invite/${token}`);
        setIsCopied(false);
        setEmail("");
      },
      onSettled: invalidate,
    }),
  );
  const revoke = useMutation(trpc.invitation.revoke.mutationOptions({ onSettled: invalidate }));
  const errors = fieldErrorsOf(create.error);
  const formError = formErrorOf(create.error) ?? revoke.error?.message;

  return (
    <Card title="Invitations" description="Invite by email. The link works once, for that email only, for 7 days.">
      <form
        className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ orgSlug, email, role });
        }}
      >
        <Field label="Email" htmlFor="invite-email" error={errors.email}>
          <Input
            id="invite-email"
            type="email"
            value={email}
            aria-invalid={Boolean(errors.email)}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Role" htmlFor="invite-role" error={errors.role}>
          <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {(myRole === "owner" ? (["member", "admin", "owner"] as const) : (["member", "admin"] as const)).map(
              (r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ),
            )}
          </Select>
        </Field>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Inviting…" : "Create invitation"}
        </Button>
      </form>
      {formError ? (
        <div className="mt-3">
          <Alert>{formError}</Alert>
        </div>
      ) : null}
      {link ? (
        <div className="mt-4 rounded-md border border-green-200 bg-green-50 p-3 text-sm">
          <p className="font-medium text-green-900">Invitation created. Copy the link now: it is shown only once.</p>
          <div className="mt-2 flex gap-2">
            <Input
              readOnly
              value={link}
              aria-label="Invitation link"
              data-testid="invitation-link"
              onFocus={(e) => e.target.select()}
            />
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(link).then(() => setIsCopied(true));
              }}
            >
              {isCopied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
      <div className="mt-5">
        {invitations.length === 0 ? (
          <EmptyState title="No invitations yet" />
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" aria-label="Invitations">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="font-medium">{invitation.email}</span>{" "}
                  <span className="text-slate-500">
                    as {invitation.role} · {invitation.status}
                    {invitation.status === "pending" ? ` · expires ${invitation.expiresAt.toLocaleDateString()}` : ""}
                  </span>
                </span>
                {invitation.status === "pending" ? (
                  <Button
                    variant="ghost"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ orgSlug, invitationId: invitation.id })}
                  >
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
