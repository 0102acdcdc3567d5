import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import {
  BULK_SERVICE_NAME,
  DEMO_REFUSED_INDICATOR,
  DEMO_UNMAPPABLE_INDICATOR,
  FAILING_SERVICE_NAME,
} from "@/scripts/seed-demo";
import { DEMO_START_TIMEOUT_MS, printed, signInAsDemoAdmin, startDemoStack, type DemoStack } from "./demo-stack";
import { expect, test } from "./fixtures";

/**
 * JOBS, a job's timeline, ERRORS and the outbox on the demo's own data, at the URL `npm run demo` prints: nothing
 * here is inserted into the database. The bulk feed is disabled, so its first run is the one these tests start;
 * the staging feed's revoked key makes the demo's own run of it fail for good. The tests share one demo and run
 * in order: the cancelled job leaves most of the feed unsent, so the full update after it has dozens of batches.
 */
test.describe.configure({ mode: "serial", timeout: 300_000 });

let demo: DemoStack;
const jobs: { cancelled?: string; completed?: string } = {};

test.beforeAll(async () => {
  test.setTimeout(DEMO_START_TIMEOUT_MS);
  demo = await startDemoStack("sb_demo_dash_e2e");
});

test.afterAll(async () => {
  await demo?.stop();
});

const path = (suffix: string) => new URL(`/demo${suffix}`, demo.url).toString();
const requestIdOf = (page: Page) => new URL(page.url()).pathname.split("/").pop() ?? "";

test("Run full update from JOBS, then cancel the running job from its page", async ({ page }) => {
  await signInAsDemoAdmin(page, demo);
  await page.goto(path("/jobs"));
  await page.getByLabel("Run now").selectOption({ label: BULK_SERVICE_NAME });
  await page.getByRole("button", { name: "Run full update" }).click();
  await page.getByRole("status").filter({ hasText: "queued" }).getByRole("link").click();
  await expect(page).toHaveURL(/\/demo\/jobs\/\w+$/);
  const requestId = requestIdOf(page);
  const heading = page.getByRole("heading", { level: 1 });
  // 44 batches paced to Sentinel's 100 requests a minute (bursts at most twice that): well over ten seconds.
  await expect(heading).toContainText("Running", { timeout: 60_000 });

  await page.getByRole("button", { name: `Cancel job ${requestId}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(heading).toContainText("Cancelled");
  await page.reload();
  await expect(heading).toContainText("Cancelled");
  await expect(page.getByRole("button", { name: `Cancel job ${requestId}` })).toHaveCount(0);
  jobs.cancelled = requestId;
});

test("Save and Run Full Update in CONFIGURE: the progress bar advances to completion, and the timeline shows the tasks", async ({
  page,
}) => {
  await signInAsDemoAdmin(page, demo);
  await page.getByRole("link", { name: BULK_SERVICE_NAME }).click();
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page
    .getByRole("dialog", { name: "Save changes" })
    .getByRole("button", { name: "Save and Run Full Update" })
    .click();
  await page.getByRole("status").filter({ hasText: "has started" }).getByRole("link").click();
  await expect(page).toHaveURL(/\/demo\/jobs\/\w+$/);
  const requestId = requestIdOf(page);

  // Read from the polled job, without a reload: some batches done and more to go, later more done, then the end.
  const progress = page.getByRole("progressbar", { name: "Batches uploaded" });
  const readProgress = async () => {
    const [done, total] = await Promise.all(
      ["aria-valuenow", "aria-valuemax"].map((name) =>
        progress.getAttribute(name, { timeout: 1000 }).catch(() => null),
      ),
    );
    return { done: Number(done ?? -1), total: Number(total ?? -1) };
  };
  const isIntermediate = ({ done, total }: { done: number; total: number }) => done > 0 && done < total;
  await expect.poll(async () => isIntermediate(await readProgress()), { timeout: 120_000 }).toBe(true);
  const first = await readProgress();
  await expect
    .poll(async () => {
      const now = await readProgress();
      return isIntermediate(now) && now.done > first.done;
    })
    .toBe(true);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Partially succeeded", { timeout: 180_000 });
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId("job-counts")).toContainText(/Sent\s*[1-9]/);

  const timeline = page.getByRole("list", { name: "Task timeline" });
  await expect(timeline.getByTestId("timeline-task").filter({ hasText: "Download query 1 page 1" })).toBeVisible();
  await expect(timeline.getByTestId("timeline-task").filter({ hasText: "Dedupe, map and compare" })).toBeVisible();
  await expect(
    timeline
      .getByTestId("timeline-task")
      .filter({ hasText: /Upload batch 1 of \d+/ })
      .first(),
  ).toBeVisible();
  jobs.completed = requestId;
});

test("JOBS filters by status and finds a job by the start of its request id", async ({ page }) => {
  const cancelled = jobs.cancelled ?? "";
  const completed = jobs.completed ?? "";
  const failed = printed(demo, /expected failure\s+full update (\w+)/);
  await signInAsDemoAdmin(page, demo);
  await page.goto(path("/jobs"));
  const rows = page.getByTestId("job-row");
  await expect(rows.filter({ hasText: completed })).toHaveCount(1);

  await page.getByText("Status:").click();
  // Each click builds on the one before, even before the URL has caught up: unticking Cancelled and ticking Failed
  // in quick succession filters by Failed alone.
  await page.getByRole("checkbox", { name: "Cancelled" }).click();
  await expect(page).toHaveURL(/status=cancelled/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(cancelled);
  await page.getByRole("checkbox", { name: "Cancelled" }).click();
  await page.getByRole("checkbox", { name: "Failed" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(failed);
  await expect(rows).toContainText(FAILING_SERVICE_NAME);
  // Escape closes the status list (focus is on its last box), so it no longer covers the rows.
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Request id").fill(completed.slice(0, 6).toLowerCase());
  await page.getByLabel("Request id").press("Enter");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(completed);
  await rows.getByRole("link", { name: completed }).click();
  await expect(page).toHaveURL(path(`/jobs/${completed}`));
});

test("ERRORS shows the record the mapping refused and the one Sentinel refused, and exports them as CSV", async ({
  browser,
}) => {
  const completed = jobs.completed ?? "";
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAsDemoAdmin(page, demo);
  await page.goto(path(`/reports/errors?request=${completed}`));
  const rows = page.getByTestId("error-row");
  await expect(rows.filter({ hasText: DEMO_REFUSED_INDICATOR.summary })).toContainText(
    "The workspace refused this indicator",
  );
  await expect(rows.filter({ hasText: DEMO_UNMAPPABLE_INDICATOR.summary })).toContainText("octet greater than 255");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = readFileSync((await (await downloading).path()) ?? "", "utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toContain("request_id,service,phase");
  const refused = lines.find((line) => line.includes(DEMO_REFUSED_INDICATOR.summary));
  expect(refused).toContain(`${completed},${BULK_SERVICE_NAME},upload,sentinel,${DEMO_REFUSED_INDICATOR.id},Host`);
  expect(refused).toContain("The workspace refused this indicator");
  expect(lines.find((line) => line.includes(DEMO_UNMAPPABLE_INDICATOR.summary))).toContain(
    `${completed},${BULK_SERVICE_NAME},download,mapping,${DEMO_UNMAPPABLE_INDICATOR.id},Address`,
  );
});

test("the staging feed's failure for good is in the Notifications outbox", async ({ page }) => {
  await signInAsDemoAdmin(page, demo);
  await page.goto(path("/reports/notifications"));
  const notice = page.getByTestId("notification-row").filter({ hasText: `${FAILING_SERVICE_NAME} is failing` });
  // The sweep that reports it runs once a minute; the page shows what existed when it loaded.
  await expect(async () => {
    await page.reload();
    await expect(notice).toHaveCount(1, { timeout: 2000 });
  }).toPass({ timeout: 150_000 });
  await expect(notice).toContainText("Outbox");
  // Its max restarts are 0, and the demo passes the URL it prints as the portal URL, so the mail's link works.
  await expect(notice).toContainText("failed and is not set to restart");
  await expect(notice).toContainText(path("/jobs/"));
});
