/**
 * The first X-Forwarded-For hop, as set by the reverse proxy in front of the app; "unknown" groups every
 * caller without one under a single per-IP budget, which still leaves the per-account throttle in force.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}
