import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { createScratchDatabase, type ScratchDatabase } from "@/test/database-server";
import { expect, newUser, test } from "./fixtures";

/**
 * `npm run demo` itself, not the e2e server: its own database, stand-ins on free ports, the production build
 * it serves, and the URL it prints. Signing up through that URL's form proves the UI hydrates there.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

let demo: ChildProcess | undefined;
let database: ScratchDatabase | undefined;
let output = "";
let port = 0;
let printedUrl = "";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

test.beforeAll(async () => {
  database = await createScratchDatabase("sb_demo_e2e");
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: database.url,
    DEMO_EPHEMERAL_PORTS: "1",
  };
  delete env.HOST;
  const started = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  demo = started;
  started.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  started.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  printedUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /\[demo\] portal\s+(\S+)/.exec(output)?.[1];
      if (url) {
        clearInterval(timer);
        resolve(url);
      }
    }, 250);
    started.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the demo exited (${code}) before printing its URL:\n${output}`));
    });
  });
});

test.afterAll(async () => {
  if (demo?.exitCode === null) {
    const exited = new Promise((resolve) => demo?.on("exit", resolve));
    demo.kill("SIGINT");
    await exited;
  }
  await database?.drop();
});

test("the demo prints a localhost URL whose sign-up form works, and the demo admin lands in the demo org", async ({
  browser,
}) => {
  expect(printedUrl).toBe(`http://localhost:${port}/demo`);
  expect(output).toContain("production build is up to date");

  const visitor = await browser.newPage();
  await visitor.goto(printedUrl);
  await expect(visitor).toHaveURL(/\/sign-in\?callbackUrl=%2Fdemo$/);
  await visitor.getByRole("link", { name: "Create an account" }).click();
  const user = newUser("demo");
  await visitor.getByLabel("Name").fill(user.name);
  await visitor.getByLabel("Email").fill(user.email);
  await visitor.getByLabel("Password").fill(user.password);
  await visitor.getByRole("button", { name: "Create account" }).click();
  // Signed in and sent on to the demo org, which is not theirs: "not found", exactly as for any outsider.
  await expect(visitor.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await visitor.getByRole("link", { name: "Back to your organizations" }).click();
  await expect(visitor.getByRole("heading", { name: "Your organizations" })).toBeVisible();

  const admin = await browser.newPage();
  await admin.goto(printedUrl);
  await admin.getByLabel("Email").fill("admin@demo.local");
  await admin.getByLabel("Password").fill("demo-password");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin).toHaveURL(`http://localhost:${port}/demo/configure`);
});

test("the demo listens on loopback only", async () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === "IPv4" && !address.internal)?.address;
  test.skip(!external, "this machine has no non-loopback IPv4 address to probe");
  const reached = await fetch(`http://${external}:${port}/sign-in`).then(
    () => true,
    () => false,
  );
  expect(reached).toBe(false);
  expect((await fetch(`http://127.0.0.1:${port}/sign-in`)).status).toBe(200);
});
