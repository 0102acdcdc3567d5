import type { ChildProcess } from "node:child_process";

/**
 * Resolves with what a child process printed once it says "listening on"; rejects with that output when it exits
 * first or takes longer than `timeoutMs`. The caller then decides what to do with the rest of its output.
 */
export async function untilListening(child: ChildProcess, name: string, timeoutMs: number): Promise<string> {
  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error(`the ${name}'s output is not piped`);
  let output = "";
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${name} did not start: ${output}`)), timeoutMs);
      stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("listening on")) {
          clearTimeout(timer);
          resolve(output);
        }
      });
      stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${name} exited with ${code ?? signal}: ${output}`));
      });
    });
  } finally {
    stdout.removeAllListeners("data");
    stderr.removeAllListeners("data");
  }
}
