import { ESLint, type Linter } from "eslint";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import tseslint from "typescript-eslint";
import { beforeAll, describe, expect, test } from "vitest";

const root = resolve(import.meta.dirname, "..");
let eslint: ESLint;

beforeAll(async () => {
  // A computed specifier keeps tsc from resolving the untyped config module; vitest loads it as it is.
  const configUrl = pathToFileURL(resolve(root, "eslint.config.js")).href;
  const { boundaryConfigs } = (await import(configUrl)) as { boundaryConfigs: Linter.Config[] };
  eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.ts", "**/*.tsx"], languageOptions: { parser: tseslint.parser } },
      ...boundaryConfigs,
    ],
  });
});

async function problemsOf(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? "parse"}: ${message.message}`);
}

const RESTRICTED = "no-restricted-imports";
const CLIENT_RULE = "boundaries/client-imports-only-server-types";

describe("layer boundaries", () => {
  test.each([
    ["local/threatconnect/fixture.ts", 'import { computeSignature } from "@/server/threatconnect/sign-request";'],
    ["local/threatconnect/fixture.ts", 'import { computeSignature } from "../../server/threatconnect/sign-request";'],
    ["local/azure/fixture.ts", 'import type { Service } from "@/db/schema";'],
    ["local/azure/fixture.ts", 'import { INDICATOR_TYPES } from "@/lib/vocabulary";'],
    ["local/inngest-engine/fixture.ts", 'import { runMigrations } from "@/scripts/migrate";'],
    ["local/inngest-engine/fixture.ts", 'import { inngest } from "../../inngest/client";'],
    ["local/inngest-engine/fixture.ts", 'import { Button } from "@/app/_components/ui";'],
    ["server/services/fixture.ts", 'import { startThreatConnectEmulator } from "@/local/threatconnect";'],
    ["app/fixture.ts", 'import { startAzureEmulator } from "../local/azure";'],
    ["db/schema/fixture.ts", 'import { SORT_FIELDS } from "@/server/threatconnect/types";'],
    ["db/schema/fixture.ts", 'import { SORT_FIELDS } from "../../server/threatconnect/types";'],
    ["inngest/functions/fixture.ts", 'import { startAzureEmulator } from "@/local/azure";'],
    ["server/api/fixture.ts", 'import { Button } from "@/app/_components/ui";'],
    ["server/sync/fixture.ts", 'import { runSyncJob } from "@/inngest/functions/run-sync-job";'],
    ["server/sync/fixture.ts", 'export { pipelineFunctions } from "../../inngest/pipeline";'],
    ["lib/fixture.ts", 'import { z } from "zod";'],
  ])("%s may not: %s", async (filePath, code) => {
    const problems = await problemsOf(filePath, `${code}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${RESTRICTED}: `));
  });

  test.each([
    [
      "local/threatconnect/fixture.ts",
      'import { createServer } from "node:http";\nimport { signature } from "./hmac";',
    ],
    [
      "server/services/fixture.ts",
      'import { inngest } from "@/inngest/client";\nimport { runtime } from "../runtime";',
    ],
    ["server/sync/fixture.ts", 'import { syncRequested } from "@/inngest/events";'],
    ["db/schema/fixture.ts", 'import { ROLES } from "@/lib/vocabulary";\nimport { users } from "./auth";'],
    [
      "inngest/functions/fixture.ts",
      'import { orgScope } from "@/server/runtime";\nimport { jobs } from "@/db/schema";',
    ],
    ["app/page-fixture.tsx", 'import { auth } from "@/server/auth";'],
    ["server/services/fixture.test.ts", 'import { startThreatConnectEmulator } from "@/local/threatconnect";'],
    ["lib/vocabulary-fixture.ts", "export const WORDS = ['a', 'b'] as const;"],
  ])("%s may: %s", async (filePath, code) => {
    expect(await problemsOf(filePath, `${code}\n`)).toEqual([]);
  });
});

describe("client components", () => {
  const client = (body: string) => `"use client";\n\n${body}\n`;

  test.each([
    'import { MIN_PASSWORD_LENGTH } from "@/server/auth/password-policy";',
    'import { SERVICE_DEFAULTS, type CreateServiceInput } from "@/server/services/service-input";',
    'import "@/server/runtime";',
    'export { INDICATOR_TYPES } from "@/server/stix/indicator-types";',
    'import { DomainError } from "../../server/errors";',
  ])("may not take a value from server/: %s", async (code) => {
    const problems = await problemsOf("app/(portal)/fixture.tsx", client(code));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${CLIENT_RULE}: `))]);
  });

  test.each([
    'import type { AppRouter } from "@/server/api/root";',
    'import { type ServiceView, type SecretField } from "@/server/services/services";',
    'export type { IndicatorType } from "@/server/stix/indicator-types";',
    'import { INDICATOR_TYPES } from "@/lib/vocabulary";',
  ])("may take types from server/ and values from lib/: %s", async (code) => {
    expect(await problemsOf("app/(portal)/fixture.tsx", client(code))).toEqual([]);
  });

  test("a server component may import server values", async () => {
    const code = 'import { SERVICE_DEFAULTS } from "@/server/services/service-input";\n';
    expect(await problemsOf("app/(portal)/page-fixture.tsx", code)).toEqual([]);
  });
});
