import { randomUUID } from "node:crypto";
import { createOrganization, expect, newUser, signUp, signUpFromScratch, test } from "./fixtures";

test("[TENANCY]: sign up, create an org, invite a member who accepts, roles and tenant walls hold, sign out", async ({
  browser,
}) => {
  const owner = newUser("owner");
  const member = newUser("member");
  const outsider = newUser("outsider");

  const ownerPage = await (await browser.newContext()).newPage();
  await signUpFromScratch(ownerPage, owner);
  const orgSlug = await createOrganization(ownerPage, `Acme ${randomUUID().slice(0, 6)}`);

  await ownerPage.getByRole("link", { name: "Settings" }).click();
  await ownerPage.getByLabel("Email").fill(member.email);
  await ownerPage.getByRole("button", { name: "Create invitation" }).click();
  const inviteLink = await ownerPage.getByTestId("invitation-link").inputValue();
  expect(inviteLink).toContain("/invite/");
  await expect(ownerPage.getByRole("table", { name: "Invitations" })).toContainText(member.email);

  const memberPage = await (await browser.newContext()).newPage();
  await memberPage.goto(inviteLink);
  await expect(memberPage.getByRole("heading", { name: /Join/ })).toBeVisible();
  await memberPage.getByRole("link", { name: "Create account to accept" }).click();
  await expect(memberPage.getByLabel("Email")).toHaveValue(member.email);
  await signUp(memberPage, member);
  await expect(memberPage).toHaveURL(/\/invite\//);
  await memberPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(memberPage).toHaveURL(new RegExp(`/${orgSlug}/configure$`));

  await expect(memberPage.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await memberPage.goto(`/${orgSlug}/settings`);
  await expect(memberPage.getByTestId("admins-only")).toBeVisible();
  await expect(memberPage.getByLabel("Email")).toHaveCount(0);

  await ownerPage.reload();
  await expect(ownerPage.getByTestId("member-row")).toHaveCount(2);

  const outsiderPage = await (await browser.newContext()).newPage();
  await signUpFromScratch(outsiderPage, outsider);
  await createOrganization(outsiderPage, `Other ${randomUUID().slice(0, 6)}`);
  for (const path of [`/${orgSlug}`, `/${orgSlug}/configure`, `/${orgSlug}/settings`]) {
    const response = await outsiderPage.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(outsiderPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }

  await memberPage.getByRole("button", { name: "Sign out" }).click();
  await expect(memberPage).toHaveURL(/\/sign-in/);
  await memberPage.goto(`/${orgSlug}/configure`);
  await expect(memberPage).toHaveURL(/\/sign-in\?callbackUrl=/);
});

test("[AUTH]: wrong password shows a generic error; signed-out visitors reach only public pages", async ({ page }) => {
  const user = newUser("auth");
  await signUpFromScratch(page, user);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText("Email or password is incorrect.");

  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/orgs$/);

  const anonymous = await (await page.context().browser()?.newContext())?.newPage();
  if (!anonymous) throw new Error("could not open a second context");
  await anonymous.goto("/orgs");
  await expect(anonymous).toHaveURL(/\/sign-in\?callbackUrl=%2Forgs/);
  await anonymous.goto("/sign-up");
  await expect(anonymous.getByRole("heading", { name: "Create your account" })).toBeVisible();
});
