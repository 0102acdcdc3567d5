import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const BUILD_ID_FILE = path.resolve(".next", "BUILD_ID");
const BUILD_RECORD_FILE = path.resolve(".data", "production-build.json");
/** Files no page is built from: changing them must not cost a rebuild. */
const IRRELEVANT = [/\.(test|spec)\.tsx?$/, /\.md$/, /^(e2e|bench|local|scripts|test)\//];

interface BuildRecord {
  buildId: string;
  sourceHash: string;
}

/** Tracked and new (not ignored) files the build reads, in a stable order. */
function buildInputs(): string[] {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout
    .split("\0")
    .filter((file) => file && !IRRELEVANT.some((pattern) => pattern.test(file)) && existsSync(file))
    .sort();
}

function sourceHash(files: string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

function readRecord(): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(BUILD_RECORD_FILE, "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}

/**
 * Whether `.next` was built from exactly these sources. A build this script recorded is compared by hash; a
 * build made another way (`npm run build`, `npm test`) counts when it is newer than every input.
 */
function isCurrent(files: string[], hash: string): boolean {
  if (!existsSync(BUILD_ID_FILE)) return false;
  const buildId = readFileSync(BUILD_ID_FILE, "utf8").trim();
  const record = readRecord();
  if (record?.buildId === buildId) return record.sourceHash === hash;
  const builtAt = statSync(BUILD_ID_FILE).mtimeMs;
  return files.every((file) => statSync(file).mtimeMs < builtAt);
}

/**
 * The production build the demo serves: reused while the sources are unchanged, rebuilt (a few minutes) when
 * they changed. Returns false when the build failed; its output has already been shown.
 */
export function ensureProductionBuild(log: (line: string) => void): boolean {
  const files = buildInputs();
  const hash = sourceHash(files);
  if (isCurrent(files, hash)) {
    log("production build is up to date");
  } else {
    log("sources changed since the last production build: building (this takes a few minutes)…");
    const build = spawnSync(process.execPath, [path.resolve("node_modules", "next", "dist", "bin", "next"), "build"], {
      stdio: "inherit",
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        // The build only needs values to validate; nothing connects at build time.
        DATABASE_URL: process.env.DATABASE_URL ?? "postgres://build@127.0.0.1:1/build",
        AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
      },
    });
    if (build.status !== 0) return false;
  }
  mkdirSync(path.dirname(BUILD_RECORD_FILE), { recursive: true });
  const record: BuildRecord = { buildId: readFileSync(BUILD_ID_FILE, "utf8").trim(), sourceHash: hash };
  writeFileSync(BUILD_RECORD_FILE, JSON.stringify(record));
  return true;
}
