import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Benchmarks run through vitest only to reuse the test setup (a scratch database, the local CA) and the pipeline
 * harness; their file names end in .bench-run.ts, so `npm test` never picks them up.
 */
export default defineConfig({
  resolve: { alias: { "@/": fileURLToPath(new URL("../", import.meta.url)) } },
  test: {
    root: fileURLToPath(new URL("../", import.meta.url)),
    include: ["bench/**/*.bench-run.ts"],
    globalSetup: ["./test/global-setup.ts"],
    pool: "forks",
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
  },
});
