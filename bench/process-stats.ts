import { readFileSync } from "node:fs";

/** Linux's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds a process has used so far, read from /proc (Linux only). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces and parentheses; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime] = [fields[11], fields[12]].map(Number);
  if (utime === undefined || stime === undefined || Number.isNaN(utime + stime)) {
    throw new Error(`unreadable /proc/${pid}/stat`);
  }
  return (utime + stime) / TICKS_PER_SECOND;
}

/** A process's peak resident set (VmHWM) in MB, read from /proc (Linux only). */
export function processPeakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match?.[1]) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round(Number(match[1]) / 1024);
}
