"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Select } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

type Role = "owner" | "admin" | "member";

export function Members({ orgSlug, myRole }: { orgSlug: string; myRole: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: members } = useSuspenseQuery(trpc.member.list.queryOptions({ orgSlug }));
  const invalidate = () => queryClient.invalidateQueries(trpc.member.list.queryFilter({ orgSlug }));
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSettled: invalidate }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSettled: invalidate }));
  const error = changeRole.error ?? remove.error;
  const assignableRoles: Role[] = myRole === "owner" ? ["owner", "admin", "member"] : ["admin", "member"];

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
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-4 font-medium">Member</th>
              <th className="py-2 pr-4 font-medium">Role</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((member) => {
              const canEdit = myRole === "owner" || member.role !== "owner";
              return (
                <tr key={member.id} data-testid="member-row">
                  <td className="py-2 pr-4">
                    <div className="font-medium text-slate-900">{member.name ?? member.email}</div>
                    <div className="text-slate-500">{member.email}</div>
                  </td>
                  <td className="py-2 pr-4">
                    <label className="sr-only" htmlFor={`role-${member.id}`}>
                      Role of {member.email}
                    </label>
                    <Select
                      id={`role-${member.id}`}
                      className="w-32"
                      value={member.role}
                      disabled={!canEdit || changeRole.isPending}
                      onChange={(e) =>
                        changeRole.mutate({ orgSlug, membershipId: member.id, role: e.target.value as Role })
                      }
                    >
                      {(canEdit ? assignableRoles : [member.role]).map((role) => (
                        <option key={role} value={role}>
                          {role}
                        </option>
                      ))}
                    </Select>
                  </td>
                  <td className="py-2 text-right">
                    {canEdit ? (
                      <Button
                        variant="ghost"
                        disabled={remove.isPending}
                        onClick={() => {
                          if (confirm(`Remove ${member.email} from this organization?`)) {
                            remove.mutate({ orgSlug, membershipId: member.id });
                          }
                        }}
                      >
                        Remove
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
