import { existsSync, readFileSync } from "node:fs";
import { expect, newUser, test } from "./fixtures";
import { DEMO_START_TIMEOUT_MS, printed, signInAsDemoAdmin, startDemoStack, type DemoStack } from "./demo-stack";

/**
 * `npm run demo` itself, not the e2e server (see demo-stack.ts). Signing up through the printed URL's form proves the
 * UI hydrates there; the dashboards on the demo data are in demo-dashboards.spec.ts.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

let demo: DemoStack;

test.beforeAll(async () => {
  test.setTimeout(DEMO_START_TIMEOUT_MS);
  demo = await startDemoStack("sb_demo_e2e");
});

test.afterAll(async () => {
  await demo?.stop();
});

test("the demo prints a localhost URL whose sign-up form works, and the demo admin lands in the demo org", async ({
  browser,
}) => {
  expect(demo.url).toBe(`http://localhost:${demo.port}/demo`);
  expect(demo.output()).toContain("production build is up to date");

  const visitor = await browser.newPage();
  await visitor.goto(demo.url);
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

  await signInAsDemoAdmin(await browser.newPage(), demo);
});

test("the demo's first full update succeeds, and Save and Run Full Update in CONFIGURE runs another to the end", async ({
  page,
}) => {
  const firstUpdate = printed(demo, /first sync\s+full update (\w+)/);
  await signInAsDemoAdmin(page, demo);

  // The job page polls while the job runs, so the final status arrives without a reload.
  await page.goto(`http://localhost:${demo.port}/demo/jobs/${firstUpdate}`);
  await expect(page.getByText("Succeeded", { exact: true }).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("job-counts")).toContainText(/Sent\s*[1-9]/);

  await page.goto(`http://localhost:${demo.port}/demo/configure/services/demo-sentinel`);
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
  const addresses = listeningAddresses(demo.port);
  expect(addresses.length).toBeGreaterThan(0);
  expect(addresses.filter((address) => !isLoopbackHex(address))).toEqual([]);
});
