import { expect, newUser, signUpFromScratch, test } from "./fixtures";

test("every kind of response carries the security headers, pages a per-request script nonce", async ({ request }) => {
  const first = await request.get("/sign-in");
  const second = await request.get("/sign-in");
  const policy = first.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).not.toContain("unsafe-eval");
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toBeTruthy();
  expect(second.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);
  // Next puts the nonce on every script it renders; an inline script without it would be blocked.
  expect(await first.text()).toContain(`nonce="${nonce}"`);

  const html = await first.text();
  const scriptPath = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1] ?? "";
  for (const path of ["/sign-in", "/api/trpc/organization.listMine", scriptPath, "/no-such-page"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.headers()["x-content-type-options"], path).toBe("nosniff");
    expect(response.headers()["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(response.headers()["x-frame-options"], path).toBe("DENY");
  }
});

test("the app works under its policy: no violation while signing up and creating an organization", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await signUpFromScratch(page, newUser("csp"));
  await page.getByLabel("Organization name").fill("Policy Org");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/configure$/);
  expect(violations).toEqual([]);
});
