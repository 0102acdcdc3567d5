import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { addMemberDirectly, createOrganization, expect, newUser, signUpFromScratch, test } from "./fixtures";
import { readRuntime } from "./runtime";

type Seeded = { running: string; failed: string; succeeded: string; value: string };

/**
 * Jobs in every state, their tasks, an error and a notice, straight in the database with fixed times: the
 * dashboards are under test here, not the pipeline (the pipeline's own tests drive real jobs end to end).
 */
async function seedDashboards(databaseUrl: string, orgSlug: string): Promise<Seeded> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  const suffix = randomUUID()
    .slice(0, 6)
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, "0");
  const ids = { running: `RUN${suffix}`, failed: `FAI${suffix}`, succeeded: `SUC${suffix}` };
  const value = `bad-${suffix.toLowerCase()}.example`;
  try {
    const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${orgSlug}`;
    if (!org) throw new Error(`no org ${orgSlug}`);
    const [service] = await sql<{ id: string }[]>`
      insert into services (org_id, name, slug, tenant_id, client_id, workspace_id, client_secret_encrypted,
        source_name, threat_connect_base_url, threat_connect_access_id, threat_connect_secret_key_encrypted,
        ttl_hours, notification_emails)
      values (${org.id}, 'Dashboards', 'dashboards', 't', 'c', 'w', 'not-a-secret', 'Dash',
        'https://tc.example.test', '1', 'not-a-secret', '{}'::jsonb, '{soc@example.test}')
      returning id`;
    if (!service) throw new Error("service insert returned nothing");
    const now = Date.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
    const [running] = await sql<{ id: string }[]>`
      insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at, started_at,
        fetched_count, to_send_count, sent_count, batch_count, batches_remaining)
      values (${org.id}, ${service.id}, ${ids.running}, 'full', 'manual', 'running', 'upload', ${at(120)},
        ${at(120)}, 1000, 1000, 400, 10, 6)
      returning id`;
    const [failed] = await sql<{ id: string }[]>`
      insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at, started_at,
        finished_at, error, rejected_count)
      values (${org.id}, ${service.id}, ${ids.failed}, 'delta', 'schedule', 'failed', 'done', ${at(3600)},
        ${at(3600)}, ${at(3500)}, 'Sentinel refused the token', 1)
      returning id`;
    await sql`
      insert into jobs (org_id, service_id, request_id, mode, trigger, status, phase, created_at, started_at,
        finished_at, sent_count)
      values (${org.id}, ${service.id}, ${ids.succeeded}, 'full', 'save', 'succeeded', 'done', ${at(7200)},
        ${at(7200)}, ${at(7000)}, 250)`;
    if (!running || !failed) throw new Error("job insert returned nothing");
    await sql`
      insert into tasks (org_id, job_id, run_id, step_id, attempt, kind, label, status, started_at, finished_at,
        counts, error)
      values
        (${org.id}, ${running.id}, 'run-1', 'download:q1-p1', 0, 'download', 'Download query 1 page 1', 'succeeded',
          ${at(120)}, ${at(100)}, '{"fetched": 1000}', null),
        (${org.id}, ${running.id}, 'run-2', 'upload:batch', 0, 'upload', 'Upload batch 1 of 10', 'failed',
          ${at(90)}, ${at(80)}, null, 'Sentinel answered 429'),
        (${org.id}, ${running.id}, 'run-2', 'upload:batch', 1, 'upload', 'Upload batch 1 of 10', 'succeeded',
          ${at(70)}, ${at(60)}, '{"sent": 100, "throttleWaitMs": 4000}', null)`;
    await sql`
      insert into job_errors (org_id, job_id, service_id, phase, source, indicator_id, indicator_type,
        indicator_value, owner_name, message, fingerprint, first_seen_at, last_seen_at)
      values (${org.id}, ${failed.id}, ${service.id}, 'upload', 'sentinel', '9007199254740993', 'Host', ${value},
        'Demo Org', 'pattern is not a valid STIX pattern', ${randomUUID()}, ${at(3550)}, ${at(3550)})`;
    await sql`
      insert into notifications (org_id, service_id, job_id, request_id, kind, recipients, subject, body, delivery,
        created_at)
      values (${org.id}, ${service.id}, ${failed.id}, ${ids.failed}, 'failure', '{soc@example.test}',
        '[Sentinel Bridge] Dashboards is failing', 'Dashboards failed for good: its restarts are exhausted.',
        'outbox', ${at(3490)})`;
    return { ...ids, value };
  } finally {
    await sql.end();
  }
}

test("[DASHBOARDS]: JOBS filters and live progress, a job's timeline, cancel, ERRORS with CSV, the outbox, and 404 for outsiders", async ({
  browser,
}) => {
  const runtime = readRuntime();
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signUpFromScratch(page, newUser("dashboards-admin"));
  const orgSlug = await createOrganization(page, `Dashboards ${randomUUID().slice(0, 6)}`);
  const seeded = await seedDashboards(runtime.databaseUrl, orgSlug);

  await page.goto(`/${orgSlug}/jobs`);
  await expect(page.getByTestId("job-row")).toHaveCount(3);
  const runningRow = page.getByTestId("job-row").filter({ hasText: seeded.running });
  await expect(runningRow.getByRole("progressbar", { name: "Batches uploaded" })).toHaveAttribute("aria-valuenow", "4");
  await expect(runningRow).toContainText("400 of 1,000 sent");
  // The upload rate since the first upload task (400 objects in 90 s or more) leaves minutes, not seconds.
  await expect(runningRow).toContainText(/about \d+ min \d{2} s left/);

  await page.getByText("Status:").click();
  // The box ticks on the click; the list follows once the URL has the filter.
  await page.getByRole("checkbox", { name: "Failed" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByTestId("job-row")).toHaveCount(1);
  await expect(page.getByTestId("job-row")).toContainText(seeded.failed);
  await page.getByRole("button", { name: "Clear filters" }).click();
  // Clearing closes the open status list, which would otherwise cover the rows.
  await expect(page.getByRole("checkbox", { name: "Failed" })).toBeHidden();
  await page.getByLabel("Request id").fill(seeded.succeeded.slice(0, 5).toLowerCase());
  await page.getByLabel("Request id").press("Enter");
  await expect(page.getByTestId("job-row")).toHaveCount(1);
  await expect(page.getByTestId("job-row")).toContainText(seeded.succeeded);
  await page.reload();
  await expect(page.getByTestId("job-row")).toHaveCount(1);
  await page.getByRole("button", { name: "Clear filters" }).click();

  await page.getByRole("link", { name: seeded.running }).click();
  await expect(page).toHaveURL(new RegExp(`/${orgSlug}/jobs/${seeded.running}$`));
  await expect(page.getByTestId("timeline-task")).toHaveCount(3);
  await expect(page.getByTestId("timeline-task").filter({ hasText: "attempt 2" })).toHaveCount(1);
  await expect(page.getByRole("img", { name: /4 s waiting for the throttle/ })).toBeVisible();

  await page.getByRole("button", { name: `Cancel job ${seeded.running}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Cancelled");

  await page.goto(`/${orgSlug}/tasks?kind=upload`);
  await expect(page.getByTestId("task-row")).toHaveCount(2);

  await page.goto(`/${orgSlug}/reports/errors`);
  const errorRow = page.getByTestId("error-row").filter({ hasText: seeded.value });
  await expect(errorRow).toContainText("pattern is not a valid STIX pattern");
  await expect(errorRow.getByRole("link", { name: /9007199254740993/ })).toHaveAttribute(
    "href",
    "https://tc.example.test/#/details/indicators/9007199254740993/overview",
  );
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = readFileSync((await (await downloading).path()) ?? "", "utf8");
  expect(csv.split("\r\n")[0]).toContain("request_id,service,phase");
  expect(csv).toContain(`${seeded.failed},Dashboards,upload,sentinel,9007199254740993,Host,${seeded.value}`);

  await page.goto(`/${orgSlug}/reports/notifications`);
  await expect(page.getByTestId("notification-row")).toContainText("Dashboards is failing");

  await page.goto(`/${orgSlug}/reports`);
  await expect(page.getByTestId("service-health")).toContainText("Dashboards");

  const member = await (await browser.newContext()).newPage();
  const memberUser = newUser("dashboards-member");
  await signUpFromScratch(member, memberUser);
  await addMemberDirectly(runtime.databaseUrl, orgSlug, memberUser.email, "member");
  await member.goto(`/${orgSlug}/reports`);
  await expect(member.getByTestId("service-health")).toContainText("Dashboards");
  await expect(member.getByRole("link", { name: "Errors" })).toBeVisible();
  await expect(member.getByRole("link", { name: "Notifications" })).toHaveCount(0);
  expect((await member.goto(`/${orgSlug}/reports/notifications`))?.status()).toBe(404);

  const outsider = await (await browser.newContext()).newPage();
  await signUpFromScratch(outsider, newUser("dashboards-outsider"));
  await createOrganization(outsider, `Elsewhere ${randomUUID().slice(0, 6)}`);
  for (const path of [`/${orgSlug}/jobs`, `/${orgSlug}/jobs/${seeded.failed}`, `/${orgSlug}/reports/errors`]) {
    const response = await outsider.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  const csvResponse = await outsider.request.get(`/${orgSlug}/reports/errors/export`);
  expect(csvResponse.status()).toBe(404);
  expect(await csvResponse.text()).not.toContain(seeded.value);
});
