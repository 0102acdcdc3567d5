import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { expect, type Page } from "@playwright/test";
import { createScratchDatabase, type ScratchDatabase } from "@/test/database-server";

/** The demo builds first when the sources changed since the last build (outside CI, which builds beforehand). */
export const DEMO_START_TIMEOUT_MS = 600_000;

/**
 * `npm run demo` itself, not the e2e server: its own scratch database, stand-ins on free ports, the production build
 * it serves, and the URL it prints. One per spec file, started in beforeAll and stopped in afterAll.
 */
export interface DemoStack {
  port: number;
  /** The portal URL the demo printed. */
  url: string;
  /** Everything the demo printed so far. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startDemoStack(databasePrefix: string): Promise<DemoStack> {
  const database: ScratchDatabase = await createScratchDatabase(databasePrefix);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: database.url,
    DEMO_EPHEMERAL_PORTS: "1",
  };
  delete env.HOST;
  const demo: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // If the worker ends without afterAll (a timed-out hook), the demo must not outlive it.
  const stopWithWorker = () => demo.kill("SIGINT");
  process.once("exit", stopWithWorker);
  let output = "";
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    process.off("exit", stopWithWorker);
    if (demo.exitCode === null && demo.signalCode === null) {
      const exited = new Promise((resolve) => demo.on("exit", resolve));
      demo.kill("SIGINT");
      await exited;
    }
    await database.drop();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const printed = /\[demo\] portal\s+(\S+)/.exec(output)?.[1];
        if (printed) {
          clearInterval(timer);
          resolve(printed);
        }
      }, 250);
      demo.on("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`the demo exited (${code}) before printing its URL:\n${output}`));
      });
    });
    return { port, url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The first group of `pattern` in what the demo printed (e.g. a request id), or a failure showing the output. */
export function printed(stack: DemoStack, pattern: RegExp): string {
  const value = pattern.exec(stack.output())?.[1];
  if (!value) throw new Error(`the demo did not print ${pattern}:\n${stack.output()}`);
  return value;
}

export async function signInAsDemoAdmin(page: Page, stack: DemoStack) {
  await page.goto(stack.url);
  await page.getByLabel("Email").fill("admin@demo.local");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new URL("/demo/configure", stack.url).toString());
}
