// Equipment > Diagnostics in a real browser against the whole plant (emulated controllers, the bridge
// writing its diagnostics snapshot, the subgraphs and the gateway): an engineer opens Bagger 1's
// diagnostics from the Equipment screen and sees a tag's live value follow the controller and a
// forced fault bit show set with its catalog text; an operator cannot open it. Screenshots at both
// tablet sizes go to web/test-results/ (the docs keep copies).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { screenChecks } from "./page-checks.ts";
import { type PlantStack, startPlantStack } from "./plant-stack.ts";

const PASSWORD = "floor-demo-2026";
const BAGGER = "Program:Bagger1";

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

function tagValue(page: Page, signal: string) {
  return page.locator(`[data-testid="diagnostics-tag"][data-signal="${signal}"] [data-testid="tag-value"]`);
}

function faultBit(page: Page, bit: number) {
  return page.locator(`[data-testid="fault-bit"][data-bit="${bit}"]`);
}

describe("equipment diagnostics in a browser against the plant", () => {
  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
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

  it("an engineer opens Bagger 1's diagnostics from Equipment, sees a tag's live value change and a forced fault bit set with its text", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "engineer");
    await page.goto(`${stack.webUrl}/equipment`);
    await page
      .getByTestId("equipment-row")
      .filter({ hasText: "BAGGER-1" })
      .getByRole("link", { name: /Diagnostics/ })
      .click();
    await page.getByRole("heading", { name: /Diagnostics: Bagger 1/, level: 1 }).waitFor();
    // The bridge's first snapshot comes within its 2 s interval once it reads the controller
    await expect
      .poll(() => page.getByTestId("diagnostics-status").getAttribute("data-status"), { timeout: 60_000 })
      .toBe("LIVE");
    await expect.poll(() => page.getByTestId("connection-state").textContent()).toContain("Connected");

    const emulator = stack.emulatorOf(BAGGER);
    emulator.control.forceTag(`${BAGGER}.JawTempC`, 187.25);
    await expect.poll(() => tagValue(page, "jawTemperature").textContent()).toBe("187.25");
    emulator.control.forceTag(`${BAGGER}.JawTempC`, 142.5);
    await expect.poll(() => tagValue(page, "jawTemperature").textContent()).toBe("142.5");

    expect(await faultBit(page, 4).getAttribute("data-set")).toBe("false");
    emulator.control.forceFault(BAGGER, 4);
    await expect.poll(() => faultBit(page, 4).getAttribute("data-set")).toBe("true");
    expect(await faultBit(page, 4).textContent()).toContain("SET");
    expect(await faultBit(page, 4).textContent()).toContain("BG-004 · Sealing jaw jam");
    // The raw words agree with the decoded bit (the emulator may raise other faults of its own)
    const words = JSON.parse((await tagValue(page, "faultWords").textContent()) ?? "null") as number[];
    expect(words).toHaveLength(2);
    expect(words[0]! & (1 << 4)).toBe(1 << 4);
    await page.getByTestId("diagnostics-trend").waitFor();

    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(page, "equipment-diagnostics-1280x800");
    const portrait = await newPage(TABLET_PORTRAIT);
    await signIn(portrait, "engineer");
    await portrait.goto(page.url());
    await expect.poll(() => faultBit(portrait, 4).getAttribute("data-set")).toBe("true");
    expect(await screenChecks(portrait)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(portrait, "equipment-diagnostics-768x1024");

    emulator.control.releaseTag(`${BAGGER}.JawTempC`);
    emulator.control.clearFaults(BAGGER);
    await expect.poll(() => faultBit(page, 4).getAttribute("data-set")).toBe("false");
  });

  it("an operator has no diagnostics link and is refused the screen by its address", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "operator");
    await page.goto(`${stack.webUrl}/equipment`);
    await page.getByTestId("equipment-row").first().waitFor();
    expect(await page.getByTestId("diagnostics-link").count()).toBe(0);
    const bagger = await stack.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    await page.goto(`${stack.webUrl}/equipment/${bagger.id}/diagnostics`);
    await page.getByTestId("refused-screen").waitFor();
  });
});
