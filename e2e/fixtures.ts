import { test as base, expect, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import postgres from "postgres";

export { expect };

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

export function newUser(label: string): TestUser {
  return {
    name: `${label} Tester`,
    email: `${label}-${randomUUID().slice(0, 8)}@e2e.test`,
    password: "e2e-password-123",
  };
}

export async function signUp(page: Page, user: TestUser) {
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/**
 * A submit that navigates chains a mutation, a server action or redirect, and the first render of the next page in a
 * browser context that has not run the app's code yet. That is a navigation, not a UI assertion: on a cold, contended
 * machine it took up to 12 s (two workers starting together, the browser at 8x CPU throttling), which left the 15 s
 * assertion timeout no margin.
 */
const SUBMIT_NAVIGATION_TIMEOUT_MS = 45_000;

export async function signUpFromScratch(page: Page, user: TestUser) {
  await page.goto("/sign-up");
  await signUp(page, user);
  await page.waitForURL(/\/orgs$/, { timeout: SUBMIT_NAVIGATION_TIMEOUT_MS });
}

export async function createOrganization(page: Page, name: string): Promise<string> {
  await page.goto("/orgs");
  await page.getByLabel("Organization name").fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL(/\/[a-z0-9-]+\/configure$/, { timeout: SUBMIT_NAVIGATION_TIMEOUT_MS });
  const slug = new URL(page.url()).pathname.split("/")[1];
  if (!slug) throw new Error("no org slug in URL after creating an organization");
  return slug;
}

/**
 * Makes an existing user a member of an org straight in the database: faster than the invitation flow, which
 * the tenancy spec already covers end to end.
 */
export async function addMemberDirectly(databaseUrl: string, orgSlug: string, email: string, role: "member" | "admin") {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const inserted = await sql`
      insert into memberships (org_id, user_id, role)
      select organizations.id, users.id, ${role}::role from organizations, users
      where organizations.slug = ${orgSlug} and users.email = ${email}
      returning id`;
    if (inserted.length !== 1) throw new Error(`could not add ${email} to ${orgSlug}: org or user not found`);
  } finally {
    await sql.end();
  }
}

export const test = base;
