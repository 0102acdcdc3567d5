import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { currentSourceHash, isBuildCurrent } from "./production-build";

let root = "";
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
const build = (buildId: string) => write(".next/BUILD_ID", buildId);
const record = (buildId: string) =>
  write(".data/production-build.json", JSON.stringify({ buildId, sourceHash: currentSourceHash(root) }));

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sb-build-"));
  execFileSync("git", ["init", "-q"], { cwd: root });
  write(".gitignore", ".next/\n.data/\n");
  write("app/page.tsx", "export default function Page() { return null; }");
  write("server/thing.ts", "export const thing = 1;");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the demo's production build freshness", () => {
  test("no build means building", () => {
    expect(isBuildCurrent(root)).toBe(false);
  });

  test("a recorded build stays current until a source the build reads changes, new files included", () => {
    build("b1");
    record("b1");
    expect(isBuildCurrent(root)).toBe(true);
    write("server/thing.test.ts", "test");
    write("e2e/extra.spec.ts", "spec");
    write("NOTES.md", "notes");
    expect(isBuildCurrent(root)).toBe(true);
    write("server/thing.ts", "export const thing = 2;");
    expect(isBuildCurrent(root)).toBe(false);
    record("b1");
    write("server/new-module.ts", "export {};");
    expect(isBuildCurrent(root)).toBe(false);
  });

  test("a build made another way counts only when it is newer than every source", () => {
    build("made-by-npm-test");
    record("an-older-build");
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, "app/page.tsx"), past, past);
    utimesSync(path.join(root, "server/thing.ts"), past, past);
    utimesSync(path.join(root, ".gitignore"), past, past);
    expect(isBuildCurrent(root)).toBe(true);
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, "server/thing.ts"), future, future);
    expect(isBuildCurrent(root)).toBe(false);
  });
});
