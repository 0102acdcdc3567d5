import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Files no page is built from: changing them must not cost a rebuild. */
const IRRELEVANT = [/\.(test|spec)\.tsx?$/, /\.md$/, /^(e2e|bench|local|scripts|test)\//];

interface BuildRecord {
  buildId: string;
  sourceHash: string;
}

const buildIdFile = (root: string) => path.join(root, ".next", "BUILD_ID");
const buildRecordFile = (root: string) => path.join(root, ".data", "production-build.json");

/** Tracked and new (not ignored) files the build reads, relative to `root`, in a stable order. */
function buildInputs(root: string): string[] {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout
    .split("\0")
    .filter((file) => file && !IRRELEVANT.some((pattern) => pattern.test(file)) && existsSync(path.join(root, file)))
    .sort();
}

function sourceHash(root: string, files: string[]): string {
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(root, file)))
      .update("\0");
  return hash.digest("hex");
}

function readRecord(root: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(buildRecordFile(root), "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}

/** What `.data/production-build.json` records next to the build id: the hash of the build's inputs. */
export function currentSourceHash(root: string): string {
  return sourceHash(root, buildInputs(root));
}

export function isBuildCurrent(root: string): boolean {
  const files = buildInputs(root);
  return isCurrent(root, files, sourceHash(root, files));
}

/**
 * Whether `.next` was built from exactly these sources. A build this script recorded is compared by hash; a
 * build made another way (`npm run build`, `npm test`) counts when it is newer than every input.
 */
function isCurrent(root: string, files: string[], hash: string): boolean {
  if (!existsSync(buildIdFile(root))) return false;
  const buildId = readFileSync(buildIdFile(root), "utf8").trim();
  const record = readRecord(root);
  if (record?.buildId === buildId) return record.sourceHash === hash;
  const builtAt = statSync(buildIdFile(root)).mtimeMs;
  return files.every((file) => statSync(path.join(root, file)).mtimeMs < builtAt);
}

/**
 * The production build the demo serves: reused while the sources are unchanged, rebuilt (a few minutes) when
 * they changed. Returns false when the build failed; its output has already been shown.
 */
export function ensureProductionBuild(log: (line: string) => void): boolean {
  const root = process.cwd();
  const files = buildInputs(root);
  const hash = sourceHash(root, files);
  if (isCurrent(root, files, hash)) {
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
  // The hash taken before building: a file edited during the build makes the next run build again.
  const record: BuildRecord = { buildId: readFileSync(buildIdFile(root), "utf8").trim(), sourceHash: hash };
  mkdirSync(path.dirname(buildRecordFile(root)), { recursive: true });
  writeFileSync(buildRecordFile(root), JSON.stringify(record));
  return true;
}
