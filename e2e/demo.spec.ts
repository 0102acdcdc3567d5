import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, readFileSync } from "node:fs";
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

test("the demo's first full update succeeds, and Save and Run Full Update in CONFIGURE runs another to the end", async ({
  page,
}) => {
  const firstUpdate = /first sync\s+full update (\w+)/.exec(output)?.[1];
  expect(firstUpdate).toBeDefined();
  await page.goto(printedUrl);
  await page.getByLabel("Email").fill("admin@demo.local");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/demo\/configure$/);

  // The job page polls while the job runs, so the final status arrives without a reload.
  await page.goto(`http://localhost:${port}/demo/jobs/${firstUpdate}`);
  await expect(page.getByText("Succeeded", { exact: true }).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("job-counts")).toContainText(/Sent\s*[1-9]/);

  await page.goto(`http://localhost:${port}/demo/configure/services/demo-sentinel`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page
    .getByRole("dialog", { name: "Save changes" })
    .getByRole("button", { name: "Save and Run Full Update" })
    .click();
  const started = page.getByRole("status").filter({ hasText: "has started" });
  await expect(started).toContainText("Saved. The full update");
  await started.getByRole("link").click();
  await expect(page).toHaveURL(/\/demo\/jobs\/\w+$/);
  await expect(page.getByText("full update · save")).toBeVisible();
  await expect(page.getByText("Succeeded", { exact: true }).first()).toBeVisible({ timeout: 120_000 });
});

/** The local addresses of the sockets listening on `port`, from the kernel's table: no packet is sent. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"]
    .flatMap((file) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(1) : []))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
    .map((fields) => fields[1]?.split(":")[0] ?? "");
}

// /proc/net/tcp writes IPv4 addresses little-endian, so 127.x.y.z ends in 7F; ::1 and ::ffff:127.x.y.z likewise.
const isLoopbackHex = (hex: string) =>
  (hex.length === 8 && hex.endsWith("7F")) ||
  hex === "00000000000000000000000001000000" ||
  (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));

test("the demo listens on loopback only", () => {
  const addresses = listeningAddresses(port);
  expect(addresses.length).toBeGreaterThan(0);
  expect(addresses.filter((address) => !isLoopbackHex(address))).toEqual([]);
});
