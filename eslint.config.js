import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import drizzle from "eslint-plugin-drizzle";
import tseslint from "typescript-eslint";

const productCode = ["app/**", "server/**", "db/**", "inngest/**"];

// ── Layer boundaries ────────────────────────────────────────────────────────────────────────────────────────────
// Each top-level folder may import only what its layer allows, written either as `@/folder/...` or as a relative
// path climbing into `folder/`. Tests and their harnesses (which start the emulators) are exempt only from the
// rule that product code never imports local/.

/** Test code beside product code: it may start the stand-ins in local/. */
const testCode = ["**/*.test.ts", "**/*.test.tsx", "**/*.test-support.ts"];

/** A pattern matching imports of the top-level `folder`, except the listed modules inside it. */
function importsOf(folder, message, allowedModules = []) {
  const except = allowedModules.length > 0 ? `(?!/(${allowedModules.join("|")})$)` : "";
  return { regex: `^(@/|(\\.\\./)+)${folder}${except}(/|$)`, message };
}

const standInsMessage =
  "local/ stands in for the outside world: it must not reuse the product code it is there to check";
const noLocal = importsOf("local", "Product code never imports the stand-ins in local/");
const noApp = (layer) => importsOf("app", `${layer} never imports app/: pages call the server, not the reverse`);
const inngestFromServer = importsOf(
  "inngest",
  "server/ may import only @/inngest/client and @/inngest/events (to send pipeline events); functions call server/",
  ["client", "events"],
);

function restrictImports(files, patterns, ignores = []) {
  return { files, ignores, rules: { "no-restricted-imports": ["error", { patterns }] } };
}

const layerBoundaries = [
  restrictImports(
    ["local/**"],
    ["server", "app", "db", "inngest", "scripts", "lib"].map((folder) => importsOf(folder, standInsMessage)),
  ),
  restrictImports(["app/**"], [noLocal], testCode),
  restrictImports(["server/**"], [noLocal, noApp("server/"), inngestFromServer], testCode),
  restrictImports(
    testCode.map((glob) => `server/${glob}`),
    [noApp("server/"), inngestFromServer],
  ),
  restrictImports(
    ["db/**"],
    ["server", "app", "inngest", "local", "scripts"].map((folder) =>
      importsOf(folder, "db/ is the bottom layer: the schema takes shared words from lib/, never from server/"),
    ),
  ),
  restrictImports(["inngest/**"], [noLocal, noApp("inngest/")], testCode),
  restrictImports(
    ["lib/**"],
    [{ regex: "^", message: "lib/ is import-free so that every layer, client components included, can share it" }],
    testCode,
  ),
];

/** Matches `@/server/...` and relative climbs into server/. */
const SERVER_MODULE = /^(@\/|(\.\.\/)+)server(\/|$)/;

/**
 * A client component ("use client" first) ships to the browser, so from server/ it may take only types: a value
 * import would bundle server code (and its secrets' handling) into the page.
 */
const clientImportsOnlyServerTypes = {
  meta: {
    type: "problem",
    messages: {
      valueFromServer:
        'Client components import only types from server/ ("import type"); take shared values from @/lib/vocabulary',
    },
    schema: [],
  },
  create(context) {
    const [first] = context.sourceCode.ast.body;
    const isClientComponent = first?.type === "ExpressionStatement" && first.directive === "use client";
    if (!isClientComponent) return {};
    const isTypeOnly = (node) =>
      node.importKind === "type" ||
      node.exportKind === "type" ||
      ((node.specifiers ?? []).length > 0 &&
        node.specifiers.every((specifier) => specifier.importKind === "type" || specifier.exportKind === "type"));
    const check = (node) => {
      if (node.source && SERVER_MODULE.test(node.source.value) && !isTypeOnly(node)) {
        context.report({ node, messageId: "valueFromServer" });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

const boundaries = { rules: { "client-imports-only-server-types": clientImportsOnlyServerTypes } };

/** Exported so test/lint-boundaries.test.ts proves each rule fires, without type-checking the whole project. */
export const boundaryConfigs = [
  ...layerBoundaries,
  {
    files: ["app/**"],
    plugins: { boundaries },
    rules: { "boundaries/client-imports-only-server-types": "error" },
  },
];

export default tseslint.config(
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": "off",
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  {
    files: ["app/**"],
    plugins: { "@next/next": nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs["core-web-vitals"].rules },
  },
  ...boundaryConfigs,
  {
    files: productCode,
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env.ts, validated once." },
      ],
    },
  },
  {
    // Vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any` by design.
    files: ["**/*.test.ts", "e2e/**"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off", "@typescript-eslint/no-unsafe-argument": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
