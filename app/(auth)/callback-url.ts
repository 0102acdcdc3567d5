/** Only same-site paths, so a crafted link cannot bounce a fresh session to another site. */
export function safeCallbackUrl(candidate: string | undefined | null): string {
  if (!candidate || !candidate.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\"))
    return "/orgs";
  return candidate;
}
