// The Reports screen and the analysis screen's OEE by shift or day, in a real browser against the
// plant with the reporting subgraph: a report run followed live to its PDF and downloaded through the
// signed link, the schedule editor's next five fire times and its refusal of a bad cron, and the
// analysis CSV download. Screenshots at both tablet sizes go to web/test-results/ (the docs keep copies).
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { type PlantStack, startPlantStack } from "./plant-stack.ts";

const PASSWORD = "floor-demo-2026";
const DAY_MS = 86_400_000;

interface TestRun {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
}

let stack: PlantStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: true, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function signIn(page: Page, login: string) {
  await page.goto(`${stack.webUrl}/sign-in`);
  await page.getByLabel("Username or employee id").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("who").waitFor();
}

/**
 * Seven DAY buckets of Bagging Line 1 before today (site midnight, Africa/Johannesburg = UTC+2); the
 * running rollup's own buckets (today, yesterday) are kept.
 */
async function seedDayBuckets() {
  const line = await stack.db.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
  const today = new Date();
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 2 * 3_600_000;
  await stack.db.prisma.oeeRecord.createMany({
    skipDuplicates: true,
    data: Array.from({ length: 7 }, (_, n) => {
      const start = new Date(midnight - (7 - n) * DAY_MS);
      const run = 60_000 + n * 1_000;
      const total = Math.floor((run * 0.9) / 1.5);
      const reject = 10 + n;
      return {
        scope: "LINE" as const,
        lineId: line.id,
        subjectKey: `LINE:${line.id}:*`,
        bucket: "DAY" as const,
        bucketStart: start,
        bucketEnd: new Date(start.getTime() + DAY_MS),
        plannedProductionSeconds: 72_000,
        runSeconds: run,
        idealCycleTimeSeconds: 1.5,
        totalCount: total,
        goodCount: total - reject,
        rejectCount: reject,
        availability: run / 72_000,
        performance: (1.5 * total) / run,
        quality: (total - reject) / total,
        oee: (1.5 * (total - reject)) / 72_000,
        breakdownSeconds: 72_000 - run,
        setupAdjustmentSeconds: 0,
        smallStopSeconds: 0,
        reducedSpeedSeconds: run - 1.5 * total,
        startupRejectSeconds: 0,
        productionRejectSeconds: 1.5 * reject,
      };
    }),
  });
}

describe("reports and OEE analysis in a browser against the plant", () => {
  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
    if (!stack.subgraphs.includes("reporting")) throw new Error("the supergraph has no reporting subgraph");
    browser = await launchChromium();
    await seedDayBuckets();
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

  it("a production manager runs a daily production report, watches it finish and downloads its PDF", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "pmanager");
    await page.getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { name: "Run a report" }).waitFor();
    await page.getByLabel("Template").selectOption({ label: "Daily production" });
    await page.getByRole("button", { name: "Run report" }).click();
    const progress = page.getByTestId("report-run-progress");
    await expect
      .poll(() => progress.getByTestId("report-run-status").textContent(), { timeout: 60_000 })
      .toBe("SUCCEEDED");
    expect(await progress.locator("progress").getAttribute("value")).toBe("100");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      progress.getByRole("button", { name: "Download PDF" }).click(),
    ]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // The run is among the past runs once it finished, with its own download.
    await expect.poll(() => page.getByTestId("report-runs").textContent()).toContain("SUCCEEDED");
    await screenshot(page, "reports-run-1280x800");
  });

  it("the schedule editor shows the next five fire times and refuses `61 * * * *` in words", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "pmanager");
    await page.goto(`${stack.webUrl}/reports`);
    const schedules = page.getByTestId("report-schedules");
    await expect.poll(() => schedules.locator("li ol li").count()).toBeGreaterThanOrEqual(5);
    await page.getByRole("button", { name: "New schedule" }).click();
    await page.getByLabel("Cron (minute hour day month weekday)").fill("0 6 * * 1-5");
    const preview = page.getByTestId("fire-times-preview");
    await expect.poll(() => preview.locator("li").count()).toBe(5);
    await screenshot(page, "reports-schedule-editor-768x1024");
    await page.getByLabel("Cron (minute hour day month weekday)").fill("61 * * * *");
    await expect.poll(() => preview.getByRole("alert").textContent()).toMatch(/.+/);
    await page.getByLabel("Name", { exact: true }).fill("refused schedule");
    await page.getByLabel(/^Recipients/).fill("ops@plant.test");
    const before = await stack.db.prisma.reportSchedule.count();
    await page.getByRole("button", { name: "Save schedule" }).click();
    await expect
      .poll(() => page.locator("form[aria-labelledby='schedule-form-heading'] > p[role='alert']").textContent())
      .toMatch(/.+/);
    expect(await stack.db.prisma.reportSchedule.count()).toBe(before);
  });

  it("the analysis screen groups OEE by day or by shift and downloads the same rows as CSV", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "pmanager");
    await page.goto(`${stack.webUrl}/analysis`);
    const table = page.getByTestId("oee-by-period");
    await expect.poll(() => table.locator("tbody tr").count()).toBeGreaterThanOrEqual(7);
    const rows = await table.locator("tbody tr").count();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const lines = readFileSync(await download.path(), "utf8")
      .trimEnd()
      .split(/\r?\n/);
    expect(lines[0]).toContain("day");
    // The same rows as the table (one page of up to 100), under one header line.
    expect(lines).toHaveLength(1 + rows);
    await screenshot(page, "analysis-oee-by-day-1280x800");
    await page.getByLabel("Group by").selectOption("SHIFT");
    await expect.poll(() => page.getByRole("heading", { name: "OEE by shift" }).count()).toBe(1);
    const portrait = await newPage(TABLET_PORTRAIT);
    await signIn(portrait, "pmanager");
    await portrait.goto(`${stack.webUrl}/analysis`);
    await expect
      .poll(() => portrait.getByTestId("oee-by-period").locator("tbody tr").count())
      .toBeGreaterThanOrEqual(7);
    await screenshot(portrait, "analysis-oee-by-day-768x1024");
  });
});
