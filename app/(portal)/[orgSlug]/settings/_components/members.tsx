"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { createDataColumnHelper, DataTable, type DataColumns } from "@/app/_components/data-table";
import { HiddenHeader, TableEmpty } from "@/app/_components/table-parts";
import { Alert, Button, Card, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";
import type { Role } from "@/lib/vocabulary";
import { rolesAssignableBy, type Member } from "./settings-types";

const column = createDataColumnHelper<Member>();
const getMemberId = (member: Member) => member.id;

type MemberActions = {
  myRole: Role;
  isPending: boolean;
  changeRole: (member: Member, role: Role) => void;
  remove: (member: Member) => void;
};

function memberColumns({ myRole, isPending, changeRole, remove }: MemberActions): DataColumns<Member> {
  const assignable = rolesAssignableBy(myRole);
  const canChange = (member: Member) => assignable.includes(member.role);
  return column.columns([
    column.accessor("email", {
      header: "Member",
      cell: ({ row }) => (
        <>
          <div className="font-medium text-slate-900">{row.original.name ?? row.original.email}</div>
          <div className="text-slate-500">{row.original.email}</div>
        </>
      ),
    }),
    column.accessor("role", {
      header: "Role",
      cell: ({ row: { original: member } }) => (
        <>
          <label className="sr-only" htmlFor={`role-${member.id}`}>
            Role of {member.email}
          </label>
          <Select
            id={`role-${member.id}`}
            className="w-32"
            value={member.role}
            disabled={!canChange(member) || isPending}
            onChange={(event) => changeRole(member, event.target.value as Role)}
          >
            {(canChange(member) ? assignable : [member.role]).map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </Select>
        </>
      ),
    }),
    column.display({
      id: "actions",
      header: () => <HiddenHeader>Actions</HiddenHeader>,
      meta: { cellClassName: "text-right" },
      cell: ({ row: { original: member } }) =>
        canChange(member) ? (
          <Button variant="ghost" disabled={isPending} onClick={() => remove(member)}>
            Remove
          </Button>
        ) : null,
    }),
  ]);
}

export function Members({ orgSlug, myRole }: { orgSlug: string; myRole: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: members } = useSuspenseQuery(trpc.member.list.queryOptions({ orgSlug }));
  const invalidate = () => queryClient.invalidateQueries(trpc.member.list.queryFilter({ orgSlug }));
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSettled: invalidate }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSettled: invalidate }));
  const error = changeRole.error ?? remove.error;
  const isPending = changeRole.isPending || remove.isPending;
  const { mutate: mutateRole } = changeRole;
  const { mutate: mutateRemove } = remove;
  const columns = useMemo(
    () =>
      memberColumns({
        myRole,
        isPending,
        changeRole: (member, role) => mutateRole({ orgSlug, membershipId: member.id, role }),
        remove: (member) => {
          if (confirm(`Remove ${member.email} from this organization?`)) {
            mutateRemove({ orgSlug, membershipId: member.id });
          }
        },
      }),
    [orgSlug, myRole, isPending, mutateRole, mutateRemove],
  );

  return (
    <Card
      title="Members"
      description="Owners manage everything; admins manage services, queries and members; members can look."
    >
      {error ? (
        <div className="mb-3">
          <Alert>{error.message}</Alert>
        </div>
      ) : null}
      <DataTable
        label="Members"
        columns={columns}
        rows={members}
        getRowId={getMemberId}
        rowTestId="member-row"
        isFramed={false}
        empty={<TableEmpty title="No members" />}
      />
    </Card>
  );
}
