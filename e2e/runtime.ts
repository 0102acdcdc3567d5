import { readFileSync } from "node:fs";
import path from "node:path";

/** What the e2e server started, written by e2e/serve.ts and read by the fixtures of every worker. */
export interface E2eRuntime {
  baseUrl: string;
  databaseUrl: string;
  threatConnect: { baseUrl: string; accessId: string; secretKey: string };
  azure: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    workspaceId: string;
    authorityHost: string;
    sentinelBaseUrl: string;
  };
  engineUrl: string;
}

export const RUNTIME_FILE = path.resolve(".data/e2e/runtime.json");

export function readRuntime(): E2eRuntime {
  return JSON.parse(readFileSync(RUNTIME_FILE, "utf8")) as E2eRuntime;
}
