"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { createDataColumnHelper, DataTable, type DataColumns } from "@/app/_components/data-table";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/errors";
import { HiddenHeader, TableEmpty } from "@/app/_components/table-parts";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { Role } from "@/lib/vocabulary";
import { rolesAssignableBy, type Invitation } from "./settings-types";

const column = createDataColumnHelper<Invitation>();
const getInvitationId = (invitation: Invitation) => invitation.id;

function invitationColumns({
  isRevoking,
  revoke,
}: {
  isRevoking: boolean;
  revoke: (invitation: Invitation) => void;
}): DataColumns<Invitation> {
  return column.columns([
    column.accessor("email", { header: "Email", meta: { cellClassName: "font-medium text-slate-900" } }),
    column.accessor("role", { header: "Role", meta: { cellClassName: "text-slate-700" } }),
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: invitation } }) => (
        <Badge tone={invitation.status === "pending" ? "info" : "neutral"}>{invitation.status}</Badge>
      ),
    }),
    column.accessor("expiresAt", {
      header: "Expires",
      meta: { cellClassName: "whitespace-nowrap text-slate-600" },
      cell: ({ row: { original: invitation } }) =>
        invitation.status === "pending" ? (
          <time dateTime={invitation.expiresAt.toISOString()}>{invitation.expiresAt.toLocaleDateString()}</time>
        ) : null,
    }),
    column.display({
      id: "actions",
      header: () => <HiddenHeader>Actions</HiddenHeader>,
      meta: { cellClassName: "text-right" },
      cell: ({ row: { original: invitation } }) =>
        invitation.status === "pending" ? (
          <Button
            variant="ghost"
            disabled={isRevoking}
            aria-label={`Revoke the invitation of ${invitation.email}`}
            onClick={() => revoke(invitation)}
          >
            Revoke
          </Button>
        ) : null,
    }),
  ]);
}

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
  const { mutate: mutateRevoke } = revoke;
  const columns = useMemo(
    () =>
      invitationColumns({
        isRevoking: revoke.isPending,
        revoke: (invitation) => mutateRevoke({ orgSlug, invitationId: invitation.id }),
      }),
    [orgSlug, revoke.isPending, mutateRevoke],
  );

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
            {rolesAssignableBy(myRole)
              .toReversed()
              .map((assignable) => (
                <option key={assignable} value={assignable}>
                  {assignable}
                </option>
              ))}
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
        <DataTable
          label="Invitations"
          columns={columns}
          rows={invitations}
          getRowId={getInvitationId}
          rowTestId="invitation-row"
          isFramed={false}
          empty={<TableEmpty title="No invitations yet" />}
        />
      </div>
    </Card>
  );
}
