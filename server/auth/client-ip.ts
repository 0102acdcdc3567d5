/**
 * The first X-Forwarded-For hop, as set by the reverse proxy in front of the app; "unknown" groups every
 * caller without one under a single per-IP budget, which still leaves the per-account throttle in force.
 */
export function clientIp(headers: Headers): string {
  const candidates = [headers.get("x-forwarded-for")?.split(",")[0], headers.get("x-real-ip")];
  return candidates.map((candidate) => candidate?.trim()).find((candidate) => Boolean(candidate)) ?? "unknown";
}
