import { afterEach, describe, expect, test, vi } from "vitest";
import { pidOfExitedProcess } from "./exited-process";
import {
  abandonedScratchDatabases,
  currentScratchOwner,
  isProcessAlive,
  scratchDatabaseName,
  type ScratchOwner,
} from "./scratch-database-name";

const here: ScratchOwner = { namespace: "0a1b2c3d", pid: 4242 };
const elsewhere: ScratchOwner = { namespace: "ffffffff", pid: 4242 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("abandonedScratchDatabases", () => {
  test("a scratch database is abandoned once the process that created it has exited", () => {
    const name = scratchDatabaseName("sb_demo_dash_e2e", here);
    expect(abandonedScratchDatabases([name], here.namespace, () => false)).toEqual([name]);
    expect(abandonedScratchDatabases([name], here.namespace, () => true)).toEqual([]);
  });

  test("the liveness check is asked about the pid in the name", () => {
    const isAlive = vi.fn(() => true);
    abandonedScratchDatabases([scratchDatabaseName("sb_e2e", here)], here.namespace, isAlive);
    expect(isAlive).toHaveBeenCalledWith(here.pid);
  });

  test("databases named in another host or pid namespace are never judged", () => {
    const isAlive = vi.fn(() => false);
    expect(abandonedScratchDatabases([scratchDatabaseName("sb_e2e", elsewhere)], here.namespace, isAlive)).toEqual([]);
    expect(isAlive).not.toHaveBeenCalled();
  });

  test("databases not named by scratchDatabaseName are never judged", () => {
    const others = ["postgres", "sentinel_bridge", "sb_e2e_1796188913347_c924db", "sb_e2e_0a1b2c3d_4242_17_c924db_x"];
    expect(abandonedScratchDatabases(others, here.namespace, () => false)).toEqual([]);
  });

  test("names fit Postgres' 63-byte identifiers and differ between calls", () => {
    const owner = { namespace: "0a1b2c3d", pid: 4_194_304 };
    const name = scratchDatabaseName("sb_demo_dash_e2e", owner);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(scratchDatabaseName("sb_demo_dash_e2e", owner)).not.toBe(name);
  });
});

describe("currentScratchOwner", () => {
  test("is this process, in a namespace that stays the same", () => {
    const owner = currentScratchOwner();
    expect(owner.pid).toBe(process.pid);
    expect(owner.namespace).toMatch(/^[0-9a-f]{8}$/);
    expect(currentScratchOwner().namespace).toBe(owner.namespace);
  });
});

describe("isProcessAlive", () => {
  test("this process is alive, an exited one is not", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await pidOfExitedProcess())).toBe(false);
  });

  test("a process we may not signal still counts as alive", () => {
    vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("operation not permitted"), { code: "EPERM" });
    });
    expect(isProcessAlive(1)).toBe(true);
  });
});
