import { createHash, randomBytes } from "node:crypto";
import { existsSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

/**
 * Scratch databases are named `<prefix>_<namespace>_<pid>_<ms>_<random>` after the process that created them and
 * owns them for its lifetime, so a later run can tell the leftovers of a killed run from a database still in use.
 */
export interface ScratchOwner {
  /** A pid means something only on one host and in one pid namespace: names from elsewhere are never judged. */
  namespace: string;
  pid: number;
}

const SCRATCH_NAME = /^[a-z0-9_]+_([0-9a-f]{8})_(\d+)_\d+_[0-9a-f]{6}$/;
const PID_NAMESPACE_LINK = "/proc/self/ns/pid";

export function currentScratchOwner(): ScratchOwner {
  const pidNamespace = existsSync(PID_NAMESPACE_LINK) ? readlinkSync(PID_NAMESPACE_LINK) : "";
  const namespace = createHash("sha256").update(`${hostname()}\n${pidNamespace}`).digest("hex").slice(0, 8);
  return { namespace, pid: process.pid };
}

export function scratchDatabaseName(prefix: string, owner: ScratchOwner): string {
  return `${prefix}_${owner.namespace}_${owner.pid}_${Date.now()}_${randomBytes(3).toString("hex")}`;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The scratch databases among `names` whose owner, a process in `namespace`, has exited. */
export function abandonedScratchDatabases(
  names: readonly string[],
  namespace: string,
  isAlive: (pid: number) => boolean = isProcessAlive,
): string[] {
  return names.filter((name) => {
    const [, nameNamespace, pid] = SCRATCH_NAME.exec(name) ?? [];
    return nameNamespace === namespace && pid !== undefined && !isAlive(Number(pid));
  });
}
