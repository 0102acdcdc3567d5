import type { Role } from "@/lib/vocabulary";

/** Notices name their recipients, so the outbox is for admins and owners only. */
export const canReadOutbox = (role: Role) => role !== "member";

/** The REPORTS tabs this role may open: a member is not shown a tab that would only refuse them. */
export function reportLinks(orgSlug: string, role: Role): { href: string; label: string }[] {
  return [
    { href: `/${orgSlug}/reports`, label: "Overview" },
    { href: `/${orgSlug}/reports/errors`, label: "Errors" },
    ...(canReadOutbox(role) ? [{ href: `/${orgSlug}/reports/notifications`, label: "Notifications" }] : []),
  ];
}
