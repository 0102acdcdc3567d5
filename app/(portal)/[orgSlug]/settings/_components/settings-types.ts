import type { inferRouterOutputs } from "@trpc/server";
import { ROLES, type Role } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/api/root";

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Member = RouterOutputs["member"]["list"][number];
export type Invitation = RouterOutputs["invitation"]["list"][number];

/**
 * The roles someone may hand out or change: their own and the less powerful ones (ROLES runs from most to least
 * powerful). Only offers the choices the server will accept; the server still decides.
 */
export function rolesAssignableBy(role: Role): readonly Role[] {
  return ROLES.slice(ROLES.indexOf(role));
}
