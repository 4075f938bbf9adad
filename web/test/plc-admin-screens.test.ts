// Admin > PLCs and tag maps in a real browser against the whole plant (emulated controllers, the
// bridge, the subgraphs and the gateway): an administrator sees the demo PLCs, tests the SLC 5/05's
// connection and reads live values from the emulator with a per-tag error for a file the controller
// does not have, is refused a malformed address beside the field with nothing changed, saves a good
// one, picks a Logix tag from the controller's symbol list, and is refused a bad PLC host; a viewer
// cannot open the screen. Screenshots at both tablet sizes go to web/test-results/ (the docs keep copies).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { screenChecks } from "./page-checks.ts";
import { type PlantStack, startPlantStack } from "./plant-stack.ts";

const PASSWORD = "floor-demo-2026";
const LOADER_MAP = "basket-loader-slc500-v1";

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

async function openPlcScreen(page: Page) {
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "PLCs and tag maps" }).click();
  await page.getByRole("heading", { name: "PLCs and tag maps", level: 1 }).waitFor();
}

function plcRow(page: Page, name: string) {
  return page.getByTestId("plc-row").and(page.locator(`[data-name="${name}"]`));
}

function bindingRow(page: Page, signal: string) {
  return page.getByTestId("tag-binding").and(page.locator(`[data-signal="${signal}"]`));
}

async function loaderMap() {
  const map = await stack.db.prisma.tagMap.findUniqueOrThrow({ where: { name: LOADER_MAP } });
  return { version: map.version, tags: map.tags as Record<string, { tag: string; type: string; scanMs: number }> };
}

describe("PLCs and tag maps in a browser against the plant", () => {
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

  it("an administrator tests the loader's SLC 5/05 and sees live values, a per-tag error, a malformed address refused with nothing changed and a good one saved", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await openPlcScreen(page);
    for (const name of ["PLC-BAG1", "PLC-BAG2", "PLC-LOAD1"]) await plcRow(page, name).waitFor();
    const loader = plcRow(page, "PLC-LOAD1");
    expect(await loader.getByTestId("plc-driver").textContent()).toBe("SLC_PCCC");
    // The bridge reaches the emulator, so the loader's equipment reports its link up.
    await expect
      .poll(
        async () => {
          await page.reload();
          return plcRow(page, "PLC-LOAD1").getByTestId("plc-link").textContent();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toContain("Reading");

    // A binding to N9, a file this controller does not have: saved (the syntax is right), then read
    // as that tag's own error while every other tag of the loader still reads.
    await plcRow(page, "PLC-LOAD1").getByRole("button", { name: "Tags of PLC-LOAD1" }).click();
    const detail = page.getByTestId("plc-detail");
    await detail.getByRole("button", { name: `Add a binding to ${LOADER_MAP}` }).click();
    const newBinding = detail.getByRole("form", { name: `New binding in ${LOADER_MAP}` });
    await newBinding.getByLabel(/^Signal/).fill("hopperLevel");
    await newBinding.getByLabel(/^Address/).fill("N9:0");
    await newBinding.getByLabel("Type").selectOption("INT");
    await newBinding.getByLabel("Scan rate, ms").fill("1000");
    await newBinding.getByRole("button", { name: "Add binding" }).click();
    await bindingRow(page, "hopperLevel").waitFor();
    expect((await loaderMap()).tags.hopperLevel).toMatchObject({ tag: "N9:0", type: "INT" });

    await detail.getByRole("button", { name: "Test connection" }).click();
    await detail.locator('[data-testid="plc-test-result"][data-ok="true"]').waitFor();
    expect(await detail.getByTestId("plc-identity").textContent()).toBe("1747-L552/C 5/05 CPU");
    const stateValue = bindingRow(page, "stateCode").getByTestId("live-value");
    await expect.poll(() => stateValue.locator('[data-ok="true"] code').textContent()).toMatch(/^\d+$/);
    expect(await bindingRow(page, "goodCount").getByTestId("live-value").locator('[data-ok="true"]').count()).toBe(1);
    await expect.poll(() => bindingRow(page, "hopperLevel").getByTestId("tag-error").textContent()).toMatch(/✕ .+/);

    // "Keep reading" asks the bridge again every few seconds without another press.
    const reads = detail.getByTestId("plc-reads");
    const readsBefore = Number(await reads.getAttribute("data-reads"));
    await detail.getByRole("button", { name: /^Keep reading/ }).click();
    await expect
      .poll(async () => Number(await reads.getAttribute("data-reads")), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(readsBefore + 3);
    await detail.getByRole("button", { name: "Stop reading" }).click();

    // A malformed address (F8 with no element): the typed refusal beside the address, nothing changed.
    const before = await loaderMap();
    await bindingRow(page, "energyKwh").getByRole("button", { name: "Edit binding energyKwh" }).click();
    const editForm = page.getByRole("form", { name: `Binding energyKwh of ${LOADER_MAP}` });
    await editForm.getByLabel(/^Address/).fill("F8");
    await editForm.getByRole("button", { name: "Save binding" }).click();
    const refusal = editForm.locator('[data-testid="field-refusal"][data-field="address"]');
    await expect.poll(() => refusal.textContent()).toContain("is not a SLC_PCCC address");
    expect(await editForm.getByLabel(/^Address/).getAttribute("aria-invalid")).toBe("true");
    expect(await loaderMap()).toEqual(before);
    await screenshot(page, "admin-plcs-refused-1280x800");

    // A good one: saved, the map's version counts the edit, the row shows it.
    await editForm.getByLabel(/^Address/).fill("F8:3");
    await editForm.getByRole("button", { name: "Save binding" }).click();
    await expect.poll(() => bindingRow(page, "energyKwh").getByTestId("binding-address").textContent()).toBe("F8:3");
    const after = await loaderMap();
    expect(after.tags.energyKwh).toMatchObject({ tag: "F8:3", type: "REAL" });
    expect(after.version).toBe(before.version + 1);
    expect(await stack.db.prisma.auditLog.count({ where: { action: "tag-map.set-binding" } })).toBe(2);

    await detail.getByRole("button", { name: "Test connection" }).click();
    await expect
      .poll(() => bindingRow(page, "energyKwh").getByTestId("live-value").locator('[data-ok="true"]').count())
      .toBe(1);
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(page, "admin-plcs-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(page, "admin-plcs-768x1024");
  });

  it("an engineer picks a Bagger 1 tag from the CompactLogix's symbol list instead of typing it", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "engineer");
    await openPlcScreen(page);
    await plcRow(page, "PLC-BAG1").getByRole("button", { name: "Tags of PLC-BAG1" }).click();
    await bindingRow(page, "jawTemperature").getByRole("button", { name: "Edit binding jawTemperature" }).click();
    const editForm = page.getByRole("form", { name: "Binding jawTemperature of bagger-compactlogix-v1" });
    await editForm.getByLabel(/^Address/).fill("");
    await editForm.getByRole("button", { name: "Browse tags" }).click();
    await editForm.getByLabel(/^Filter the controller's \d+ tags/).fill("Program:Bagger1.JawTempC");
    await editForm.getByTestId("symbol").filter({ hasText: "Program:Bagger1.JawTempC" }).first().click();
    // Without the equipment's program prefix: the bridge adds it when it reads.
    expect(await editForm.getByLabel(/^Address/).inputValue()).toBe("JawTempC");
    expect(await editForm.getByLabel("Type").inputValue()).toBe("REAL");
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await editForm.getByRole("button", { name: "Cancel" }).click();
  });

  it("a PLC host that is no host name is refused beside the field and nothing changes; a new PLC is added and deleted", async () => {
    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await openPlcScreen(page);
    const before = await stack.db.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-BAG2" } });
    await plcRow(page, "PLC-BAG2").getByRole("button", { name: "Edit PLC-BAG2" }).click();
    const settings = page.getByRole("form", { name: "Settings of PLC-BAG2" });
    await settings.getByLabel("Address (host name or IP)").fill("bad host;rm");
    await settings.getByRole("button", { name: "Save PLC" }).click();
    await expect
      .poll(() => settings.locator('[data-testid="field-refusal"][data-field="host"]').textContent())
      .toContain("is not a host name or IP address");
    expect(await stack.db.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-BAG2" } })).toEqual(before);
    await settings.getByRole("button", { name: "Cancel" }).click();

    const newPlc = page.getByRole("form", { name: "New PLC" });
    await newPlc.getByLabel("PLC name").fill("PLC-TRIAL");
    await newPlc.getByLabel("Driver").selectOption("SLC_PCCC");
    await newPlc.getByLabel("Address (host name or IP)").fill("127.0.0.1");
    await newPlc.getByLabel("Request timeout, ms").fill("1500");
    await newPlc.getByRole("button", { name: "Add PLC" }).click();
    await plcRow(page, "PLC-TRIAL").waitFor();
    expect(await stack.db.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-TRIAL" } })).toMatchObject({
      driver: "SLC_PCCC",
      host: "127.0.0.1",
      port: 44818,
    });
    await plcRow(page, "PLC-TRIAL").getByRole("button", { name: "Delete PLC-TRIAL" }).click();
    await plcRow(page, "PLC-TRIAL").getByRole("button", { name: "Confirm deleting PLC-TRIAL" }).click();
    await expect.poll(() => plcRow(page, "PLC-TRIAL").count()).toBe(0);
    expect(await stack.db.prisma.plc.count({ where: { name: "PLC-TRIAL" } })).toBe(0);
  });

  it("a viewer has no way to the screen, and opening it anyway shows the refusal and no PLC or control", async () => {
    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "viewer");
    expect(await page.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    await page.goto(`${stack.webUrl}/admin/plcs`);
    await page.getByTestId("refused-screen").waitFor();
    expect(await page.getByTestId("plc-row").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Edit|Test connection|Add PLC|Delete/ }).count()).toBe(0);
  });
});
