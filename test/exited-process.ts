import { spawn } from "node:child_process";
import { once } from "node:events";

/** The pid of a process that has already exited: one no live process holds (barring reuse, which takes a while). */
export async function pidOfExitedProcess(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("the child process did not start");
  return child.pid;
}
