// Certifications on the team screen and the job rules on the assign screen, in a real browser against
// the running plant: a shift manager reads certifications (lapsed ones marked) without controls; an
// administrator grants one, renews it and revokes it, each checked in the database, a date the
// server refuses shown as it words it; a job the rules refuse is shown with its broken rule and a
// manager assigns it anyway with a reason, which the audit log keeps.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { type PlantStack, startPlantStack } from "./plant-stack.ts";

const PASSWORD = "floor-demo-2026";

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

async function signIn(page: Page, login: string) {
  await page.goto(`${stack.webUrl}/sign-in`);
  await page.getByLabel("Username or employee id").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("who").waitFor();
}

/** A date input's value, `days` from today. */
function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe("certifications on the team screen and job rules on the assign screen", () => {
  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
    browser = await launchChromium();
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== "fail") return;
    let index = 0;
    for (const browserContext of contexts)
      for (const page of browserContext.pages())
        await screenshot(page, `failed-team-${context.task.name.slice(0, 40)}-${index++}`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stack?.close();
  });

  it("a shift manager sees each person's certifications, a lapsed one marked expired, and no control to change them", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "smanager");
    await page.goto(`${stack.webUrl}/team`);
    const ayesha = page.getByTestId("team-member").and(page.locator('[data-username="operator2"]'));
    await ayesha.getByText("Basket loader operator").waitFor();
    const lapsed = ayesha.getByTestId("certification").filter({ hasText: "Robot palletiser operator" });
    expect(await lapsed.getAttribute("data-expired")).toBe("true");
    await lapsed.getByText(/expired/).waitFor();
    expect(await page.getByRole("button", { name: /Certifications of|Renew|Revoke|Grant/ }).count()).toBe(0);
    await screenshot(page, "team-certifications-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "team-certifications-768x1024");
  });

  it("an administrator grants a certification for a kind of machine, renews it and revokes it; a lapsed date is refused as the server says", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await page.goto(`${stack.webUrl}/team`);
    const sipho = page.getByTestId("team-member").and(page.locator('[data-username="operator"]'));
    await sipho.getByRole("button", { name: "Certifications of Sipho Dlamini…" }).click();
    const form = sipho.getByRole("form", { name: "Grant Sipho Dlamini a certification" });
    await form
      .getByLabel("Qualifies for")
      .getByRole("option", { name: "every basket loader" })
      .waitFor({ state: "attached" });

    await form.getByLabel("Certification", { exact: true }).fill("Basket loader operator");
    await form.getByLabel("Qualifies for").selectOption({ label: "every basket loader" });
    await form.getByLabel("Issued").fill(dateIn(-400));
    await form.getByLabel("Expires").fill(dateIn(-3));
    await form.getByRole("button", { name: "Grant certification" }).click();
    await sipho.getByTestId("certification-outcome").getByText("already expired").waitFor();
    const operator = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "operator" } });
    const named = { userId: operator.id, name: "Basket loader operator" };
    expect(await stack.db.prisma.certification.count({ where: named })).toBe(0);

    await form.getByLabel("Expires").fill(dateIn(365));
    await form.getByRole("button", { name: "Grant certification" }).click();
    await sipho.getByTestId("certification").filter({ hasText: "Basket loader operator" }).waitFor();
    const granted = await stack.db.prisma.certification.findFirstOrThrow({ where: named });
    expect(granted.equipmentKind).toBe("basket loader");
    await screenshot(page, "team-certification-editor-1280x800");

    await sipho.getByLabel("New expiry for Basket loader operator").fill(dateIn(730));
    await sipho
      .getByTestId("certification")
      .filter({ hasText: "Basket loader operator" })
      .getByRole("button", { name: "Renew" })
      .click();
    await sipho.getByTestId("certification-outcome").getByText("Basket loader operator renewed.").waitFor();
    await expect
      .poll(async () => (await stack.db.prisma.certification.findFirstOrThrow({ where: named })).expiresAt!.getTime())
      .toBeGreaterThan(Date.now() + 700 * 86_400_000);
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "team-certification-editor-768x1024");

    await sipho.getByRole("button", { name: "Revoke Basket loader operator" }).click();
    await sipho.getByTestId("certification-outcome").getByText("Basket loader operator revoked.").waitFor();
    expect(await stack.db.prisma.certification.count({ where: named })).toBe(0);
    expect(await stack.db.prisma.auditLog.count({ where: { entityType: "Certification", entityId: granted.id } })).toBe(
      3,
    );
  });

  it("a job for an operator whose palletiser certificate lapsed is refused naming the rule; the manager assigns it anyway with a reason", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "pmanager");
    await page.goto(`${stack.webUrl}/assign`);
    await page.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    await page.getByLabel("Equipment").getByRole("option", { name: "Palletiser 1" }).waitFor({ state: "attached" });
    await page.getByLabel("Job", { exact: true }).fill("Stack MM-25 pallets, order 4712");
    await page.getByLabel("Operator").selectOption({ label: "Ayesha Patel (E1009)" });
    await page.getByLabel("Equipment").selectOption({ label: "Palletiser 1" });
    await page.getByRole("button", { name: "Assign job" }).click();
    await page
      .getByTestId("job-rule-breaches")
      .getByText(/Robot palletiser operator.*expired/)
      .waitFor();
    expect(await stack.db.prisma.jobAssignment.count({ where: { title: { contains: "order 4712" } } })).toBe(0);
    await screenshot(page, "assign-job-rule-broken-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "assign-job-rule-broken-768x1024");

    await page.getByLabel("Reason to assign anyway (audited)").fill("Refresher booked; shift manager supervises");
    await page.getByRole("button", { name: "Assign anyway" }).click();
    await page.getByTestId("assign-outcome").getByText("Assigned to Ayesha Patel.").waitFor();
    const job = await stack.db.prisma.jobAssignment.findFirstOrThrow({ where: { title: { contains: "order 4712" } } });
    const audit = await stack.db.prisma.auditLog.findFirstOrThrow({
      where: { entityId: job.id, action: "job.assign" },
    });
    expect(audit.after).toMatchObject({
      overrideReason: "Refresher booked; shift manager supervises",
      overriddenRules: [{ rule: "CERTIFICATION" }],
    });
    // Today's statistics are read again after the assignment: Ayesha's row counts the job.
    const row = page.getByTestId("job-statistics-row").and(page.locator('[data-operator="Ayesha Patel"]'));
    await expect.poll(async () => (await row.count()) > 0 && (await row.locator("td").nth(2).textContent())).toBe("1");
    await screenshot(page, "assign-job-statistics-768x1024");
  });
});
