import type { BrowserContext, Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { addMemberDirectly, createOrganization, expect, newUser, signUpFromScratch, test } from "./fixtures";
import { readRuntime } from "./runtime";

/** Every response body a context receives, so a secret leaking through any API or page can be caught. */
function recordResponses(context: BrowserContext): Promise<string>[] {
  const bodies: Promise<string>[] = [];
  context.on("response", (response) => {
    // Redirects and aborted requests have no body to read; they carry nothing either.
    bodies.push(response.text().catch(() => ""));
  });
  return bodies;
}

async function addQuery(page: Page, query: { owner: string; type: string; tql: string }) {
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Add TQL query" });
  await dialog.getByLabel(query.owner).check();
  await dialog.getByLabel(query.type, { exact: true }).check();
  await dialog.getByLabel("TQL").fill(query.tql);
  await dialog.getByRole("button", { name: "Add query" }).click();
  await expect(dialog).toBeHidden();
}

test("[CONFIGURE]: an admin creates a tested service, edits ordered queries, validates, previews and saves; a member sees it read-only; secrets never come back", async ({
  browser,
}) => {
  const runtime = readRuntime();
  const secrets = [runtime.azure.clientSecret, runtime.threatConnect.secretKey];
  const pageHtml: string[] = [];

  const adminContext = await browser.newContext();
  const adminResponses = recordResponses(adminContext);
  const page = await adminContext.newPage();
  const admin = newUser("configure-admin");
  await signUpFromScratch(page, admin);
  const orgSlug = await createOrganization(page, `Configure ${randomUUID().slice(0, 6)}`);
  await expect(page.getByText("No services yet")).toBeVisible();

  await page.getByRole("link", { name: "New service" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Sentinel Production");
  await page.getByLabel("Tenant ID").fill(runtime.azure.tenantId);
  await page.getByLabel("Client ID").fill(runtime.azure.clientId);
  await page.getByLabel("Sentinel workspace ID").fill(runtime.azure.workspaceId);
  await page.getByLabel("Sentinel source name").fill("E2E");
  await expect(page.getByTestId("effective-source-name")).toHaveText("ThreatConnect-E2E");
  await page.getByLabel("ThreatConnect base URL").fill(runtime.threatConnect.baseUrl);
  await page.getByLabel("Access ID").fill(runtime.threatConnect.accessId);

  await page.getByLabel("Client secret").fill("not-the-client-secret");
  await page.getByRole("button", { name: "Test Azure" }).click();
  await expect(page.getByTestId("azure-test-result")).toContainText("rejected the client secret");
  await page.getByLabel("Client secret").fill(runtime.azure.clientSecret);
  await page.getByRole("button", { name: "Test Azure" }).click();
  await expect(page.getByTestId("azure-test-result")).toContainText("OK:");

  await page.getByLabel("Secret key").fill(runtime.threatConnect.secretKey);
  await page.getByRole("button", { name: "Test ThreatConnect" }).click();
  await expect(page.getByTestId("threatconnect-test-result")).toContainText("OK: Connected to organization");
  // Typed secrets sit in the inputs, yet never in the markup.
  pageHtml.push(await page.content());

  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page).toHaveURL(new RegExp(`/${orgSlug}/configure/services/sentinel-production$`));
  await expect(page.getByRole("heading", { name: "Sentinel Production" })).toBeVisible();
  await expect(page.getByText("No queries yet")).toBeVisible();
  pageHtml.push(await page.content());

  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await addQuery(page, { owner: "Demo Organization", type: "Address", tql: "rating >= 1" });
  await addQuery(page, { owner: "Demo Organization", type: "Host", tql: "confidence >= 50" });
  await addQuery(page, { owner: "Demo Source", type: "URL", tql: "rating >= 3" });
  await addQuery(page, { owner: "Demo Organization", type: "Address", tql: "rating > 3 AND" });
  const tqls = page.getByTestId("query-tql");
  await expect(tqls).toHaveText(["rating >= 1", "confidence >= 50", "rating >= 3", "rating > 3 AND"]);

  await page.getByRole("button", { name: "Validate query 4" }).click();
  await expect(page.getByTestId("validate-result")).toContainText(/ThreatConnect: .*expected a keyword/);
  await page.getByRole("button", { name: "Delete query 4" }).click();

  await page.getByRole("button", { name: "Move query 3 up" }).click();
  await expect(tqls).toHaveText(["rating >= 1", "rating >= 3", "confidence >= 50"]);
  await page.getByTestId("query-row").nth(0).dragTo(page.getByTestId("query-row").nth(2));
  await expect(tqls).toHaveText(["rating >= 3", "confidence >= 50", "rating >= 1"]);

  await page.getByRole("button", { name: "Validate query 3" }).click();
  await expect(page.getByTestId("validate-result")).toContainText(/\d+ indicators? match/);
  await page.getByRole("button", { name: "Preview query 3" }).click();
  const preview = page.getByTestId("query-preview");
  await expect(preview).toContainText("ThreatConnect-E2E");
  await expect(preview.getByTestId("preview-row").first()).toBeVisible();
  await expect(preview.getByTestId("stix-pattern").first()).toContainText(/^\[ipv[46]-addr:value = '/);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page
    .getByRole("dialog", { name: "Save changes" })
    .getByRole("button", { name: "Save and Run Full Update" })
    .click();
  await expect(page.getByRole("dialog", { name: "Save changes" })).toBeHidden();
  await expect(page.getByTestId("next-run-mode")).toHaveText("Next run: full update");
  await page.reload();
  await expect(tqls).toHaveText(["rating >= 3", "confidence >= 50", "rating >= 1"]);
  await expect(page.getByTestId("next-run-mode")).toHaveText("Next run: full update");
  pageHtml.push(await page.content());

  await page.getByRole("link", { name: "Settings", exact: true }).last().click();
  await expect(page.getByTestId("clientSecret-status")).toContainText("Set · updated");
  await expect(page.getByTestId("threatConnectSecretKey-status")).toContainText("Set · updated");
  await expect(page.locator("input[type=password]")).toHaveCount(0);
  await page.getByRole("button", { name: "Replace client secret" }).click();
  await expect(page.locator("input[type=password]")).toHaveCount(1);
  pageHtml.push(await page.content());

  await page.getByRole("link", { name: "Audit" }).click();
  const entries = page.getByTestId("audit-entry");
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText("saved the queries");
  await expect(entries.last()).toContainText("created the service");
  await expect(entries.last()).toContainText("Client secret");
  pageHtml.push(await page.content());

  const member = newUser("configure-member");
  const memberContext = await browser.newContext();
  const memberResponses = recordResponses(memberContext);
  const memberPage = await memberContext.newPage();
  await signUpFromScratch(memberPage, member);
  await addMemberDirectly(runtime.databaseUrl, orgSlug, member.email, "member");

  await memberPage.goto(`/${orgSlug}/configure`);
  await expect(memberPage.getByTestId("read-only-note")).toBeVisible();
  await expect(memberPage.getByRole("link", { name: "New service" })).toHaveCount(0);
  await memberPage.getByRole("link", { name: "Sentinel Production" }).click();
  await expect(memberPage.getByTestId("query-tql")).toHaveText(["rating >= 3", "confidence >= 50", "rating >= 1"]);
  await expect(memberPage.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
  pageHtml.push(await memberPage.content());

  await memberPage.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(memberPage.getByTestId("clientSecret-status")).toContainText("Set · updated");
  for (const control of ["Save settings", "Test Azure", "Test ThreatConnect", "Delete service"]) {
    await expect(memberPage.getByRole("button", { name: control })).toHaveCount(0);
  }
  await expect(memberPage.getByRole("button", { name: /Replace/ })).toHaveCount(0);
  await expect(memberPage.locator("input[type=password]")).toHaveCount(0);
  await expect(memberPage.getByLabel("Name", { exact: true })).toBeDisabled();
  pageHtml.push(await memberPage.content());

  const bodies = [...(await Promise.all(adminResponses)), ...(await Promise.all(memberResponses)), ...pageHtml];
  expect(bodies.length).toBeGreaterThan(20);
  for (const secret of secrets) {
    expect(bodies.filter((body) => body.includes(secret)).length, "responses or pages containing a secret").toBe(0);
  }
});

test("[CONFIGURE]: field errors show next to their fields and nothing is created", async ({ page }) => {
  await signUpFromScratch(page, newUser("configure-errors"));
  const orgSlug = await createOrganization(page, `Errors ${randomUUID().slice(0, 6)}`);
  await page.goto(`/${orgSlug}/configure/new`);
  await page.getByLabel("Name", { exact: true }).fill("Broken");
  await page.getByLabel("Tenant ID").fill("not-a-guid");
  await page.getByLabel("TTL hours - URL").fill("0");
  await page.getByLabel("ThreatConnect base URL").fill("http://threatconnect.example.com");
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page.locator("#service-tenantId-error")).toHaveText(/Tenant ID must be a GUID/);
  await expect(page.locator("#service-threatConnectBaseUrl-error")).toContainText("must start with https://");
  await expect(page.getByText(/TTL hours for URL must be from 1 to/)).toBeVisible();
  await expect(page.getByLabel("Tenant ID")).toHaveAttribute("aria-invalid", "true");
  await page.goto(`/${orgSlug}/configure`);
  await expect(page.getByText("No services yet")).toBeVisible();
});
