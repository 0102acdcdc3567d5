import { ThreatConnectError } from "./errors";

/** Accepts `https://host`, `https://host/` and the `https://host/api` form ThreatConnect's own docs use. */
export function normalizeBaseUrl(baseUrl: string): URL {
  const refuse = (message: string) => new ThreatConnectError("bad_request", message, { field: "threatConnectBaseUrl" });
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw refuse(`Base URL "${baseUrl}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse(`Base URL must start with https:// (got ${url.protocol}//)`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw refuse("Base URL must not contain credentials, a query string or a fragment");
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return new URL(`${url.origin}${path}`);
}
