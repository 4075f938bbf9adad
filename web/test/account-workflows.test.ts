// Accounts in a real browser against the real plant: a new account's forced password change at
// sign-in, a temporary PIN replaced at the tablet, the profile (password, notification settings) and
// the forgot-password page; every screen passes axe-core and keeps 44 px touch targets.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { screenChecks } from "./page-checks.ts";
import { type PlantStack, startPlantStack } from "./plant-stack.ts";

const DEMO_PASSWORD = "floor-demo-2026";
const USERNAME = "tmokoena";
const EMPLOYEE_ID = "E2101";
const CHOSEN_PASSWORD = "Sealing-jaw-2026";

interface TestRun {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
}

let stack: PlantStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** What the app's sign-in door answers for these credentials (status only). */
async function signInStatus(login: string, password: string): Promise<number> {
  const response = await fetch(`${stack.webUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password }),
  });
  return response.status;
}

/** Both screenshot sizes of the page as it is. */
async function screenshotsOf(page: Page, name: string) {
  await page.setViewportSize(TABLET_PORTRAIT);
  await screenshot(page, `${name}-768x1024`);
  await page.setViewportSize(TABLET_LANDSCAPE);
  await screenshot(page, `${name}-1280x800`);
}

describe("accounts in a browser against the running plant", () => {
  let withAndon: boolean;
  let temporaryPin: string;
  let newUserPage: Page;

  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
    withAndon = stack.subgraphs.includes("andon");
    browser = await launchChromium();
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== "fail") return;
    let index = 0;
    for (const browserContext of contexts)
      for (const page of browserContext.pages())
        await screenshot(page, `failed-${context.task.name.slice(0, 40)}-${index++}`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
  });

  it("an administrator creates a user, who signs in and must choose a new password before anything else", async () => {
    const admin = await newPage(TABLET_LANDSCAPE);
    await admin.goto(`${stack.webUrl}/sign-in`);
    await admin.getByLabel("Username or employee id").fill("admin");
    await admin.getByLabel("Password").fill(DEMO_PASSWORD);
    await admin.getByRole("button", { name: "Sign in", exact: true }).click();
    await admin.getByTestId("who").waitFor();
    await admin.goto(`${stack.webUrl}/admin/users`);
    await admin.getByTestId("users-table").getByTestId("user-row").first().waitFor();
    await admin.getByLabel("Employee id").fill(EMPLOYEE_ID);
    await admin.getByLabel("Username").fill(USERNAME);
    await admin.getByLabel("First name").fill("Thabo");
    await admin.getByLabel("Last name").fill("Mokoena");
    const withPin = admin.getByLabel("Also a tablet PIN");
    if (!(await withPin.isChecked())) await withPin.check();
    await admin.getByRole("button", { name: "Create account" }).click();
    const secret = admin.getByTestId("one-time-secret");
    await secret.getByText("Shown once only.").waitFor();
    const temporaryPassword = (await secret.getByTestId("secret-value").nth(0).textContent())!.trim();
    temporaryPin = (await secret.getByTestId("secret-value").nth(1).textContent())!.trim();
    expect(temporaryPin).toMatch(/^\d{4,8}$/);

    newUserPage = await newPage(TABLET_PORTRAIT);
    const page = newUserPage;
    await page.goto(`${stack.webUrl}/sign-in`);
    await page.getByLabel("Username or employee id").fill(USERNAME);
    await page.getByLabel("Password").fill(temporaryPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Choose your password" }).waitFor();
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "change-password");

    // Too short: refused in words, and the account still has to change its password.
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("New password again").fill("short");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await expect
      .poll(() => page.getByTestId("change-password-refusal").textContent())
      .toMatch(/at least 10 characters/);
    expect((await stack.db.prisma.user.findUniqueOrThrow({ where: { username: USERNAME } })).mustChangePassword).toBe(
      true,
    );

    await page.getByLabel("New password", { exact: true }).fill(CHOSEN_PASSWORD);
    await page.getByLabel("New password again").fill(CHOSEN_PASSWORD);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await expect.poll(() => page.getByTestId("who").textContent()).toContain("Thabo Mokoena");
    expect((await stack.db.prisma.user.findUniqueOrThrow({ where: { username: USERNAME } })).mustChangePassword).toBe(
      false,
    );
    // The temporary password is spent; the chosen one signs in.
    expect(await signInStatus(USERNAME, temporaryPassword)).toBe(401);
    expect(await signInStatus(USERNAME, CHOSEN_PASSWORD)).toBe(200);
  });

  it("an operator given a temporary PIN chooses their own at the tablet, a run like 1234 refused, and is signed in", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    const typePin = async (pin: string) => {
      for (const digit of pin) await page.getByRole("button", { name: `Digit ${digit}`, exact: true }).click();
    };
    await page.goto(`${stack.webUrl}/tablet`);
    await page.getByLabel("Employee id or username").fill(EMPLOYEE_ID);
    await typePin(temporaryPin);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Choose your PIN" }).waitFor();
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "change-pin");

    await page.getByLabel("New PIN", { exact: true }).fill("1234");
    await page.getByLabel("New PIN again").fill("1234");
    await page.getByRole("button", { name: "Set PIN and sign in" }).click();
    await page.getByTestId("change-pin-refusal").waitFor();
    expect((await stack.db.prisma.user.findUniqueOrThrow({ where: { username: USERNAME } })).mustChangePin).toBe(true);

    await page.getByLabel("New PIN", { exact: true }).fill("7391");
    await page.getByLabel("New PIN again").fill("7391");
    await page.getByRole("button", { name: "Set PIN and sign in" }).click();
    await expect.poll(() => page.getByTestId("who").textContent()).toContain("Thabo Mokoena");
    expect((await stack.db.prisma.user.findUniqueOrThrow({ where: { username: USERNAME } })).mustChangePin).toBe(false);
  });

  it("a person opens their profile from their name, changes their password, and sets when and how they are notified", async () => {
    const page = newUserPage;
    await page.getByTestId("who").click();
    await page.getByRole("heading", { name: "Your profile" }).waitFor();
    await expect.poll(() => page.getByTestId("profile-details").textContent()).toContain(EMPLOYEE_ID);

    const passwordForm = page.getByTestId("change-password-form");
    await passwordForm.getByLabel("Current password").fill(CHOSEN_PASSWORD);
    await passwordForm.getByLabel("New password", { exact: true }).fill("Film-roll-2027x");
    await passwordForm.getByLabel("New password again").fill("Film-roll-2027x");
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await passwordForm.getByTestId("change-password-done").waitFor();
    expect(await signInStatus(USERNAME, CHOSEN_PASSWORD)).toBe(401);
    expect(await signInStatus(USERNAME, "Film-roll-2027x")).toBe(200);

    if (withAndon) {
      const preferences = page.getByTestId("notification-preferences");
      await preferences.waitFor();
      // No e-mail address on the account: switching e-mail on is refused and nothing is stored.
      await preferences.getByLabel("E-mail: on").check();
      await preferences.getByRole("button", { name: "Save notification settings" }).click();
      await expect
        .poll(() => page.getByTestId("notification-preferences-refusal").textContent())
        .toMatch(/no e-mail address/);
      const user = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: USERNAME } });
      expect(await stack.db.prisma.notificationPreference.count({ where: { userId: user.id } })).toBe(0);

      await preferences.getByLabel("E-mail: on").uncheck();
      await preferences.getByLabel("SMS: on").check();
      await preferences.getByLabel("SMS: from priority").selectOption("HIGH");
      await preferences.getByLabel("From").fill("22:00");
      await preferences.getByLabel("To", { exact: true }).fill("06:00");
      await preferences.getByLabel("Time zone").fill("Africa/Johannesburg");
      await preferences.getByRole("button", { name: "Save notification settings" }).click();
      await expect
        .poll(() => stack.db.prisma.notificationPreference.findMany({ where: { userId: user.id, channel: "SMS" } }))
        .toEqual([
          expect.objectContaining({
            enabled: true,
            minPriority: "HIGH",
            quietStartMinute: 22 * 60,
            quietEndMinute: 6 * 60,
            timeZone: "Africa/Johannesburg",
          }),
        ]);
      await expect.poll(() => preferences.getByLabel("From").inputValue()).toBe("22:00");
    }
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "profile");
  });

  it("someone who forgot their password is told how an administrator's reset works, from the sign-in screen", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    await page.goto(`${stack.webUrl}/sign-in`);
    await page.getByLabel("Password").waitFor();
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByTestId("forgot-password").getByText("temporary password").first().waitFor();
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "forgot-password");
    await page.getByRole("link", { name: "Back to sign-in" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});
