// The quality screens in a real browser against the real plant (quality subgraph included): an
// inspector's due checks and check form, the live SPC chart of Check Weigher 1 fed through the PLC's
// weight ring, the capability card, the defect Pareto, holds, and an operator's scrap from the line
// dashboard. Controls show by permission; a viewer's forced mutation is refused by the server. Each
// screen passes axe-core (no serious or critical violation) and has 44 px touch targets.

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { screenChecks } from "./page-checks.ts";
import { type PlantStack, startPlantStack, WEB_ROOT } from "./plant-stack.ts";

const PASSWORD = "floor-demo-2026";
const WEIGHER = "Program:CheckWeigher1";
const BAGGER = "Program:Bagger1";
const SIZES = [
  ["768x1024", TABLET_PORTRAIT],
  ["1280x800", TABLET_LANDSCAPE],
] as const;

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

/** Opens a quality screen on a line (its line picker set to that line). */
async function openOnLine(page: Page, route: string, lineId: string) {
  await page.goto(`${stack.webUrl}${route}`);
  const picker = page.locator("#line-select");
  await picker.locator(`option[value="${lineId}"]`).waitFor({ state: "attached" });
  await picker.selectOption(lineId);
}

/** The id of one of the app's persisted documents, by operation name. */
function documentIdOf(operationName: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(WEB_ROOT, "lib/graphql/generated/persisted-documents.json"), "utf8"),
  ) as Record<string, string>;
  const entry = Object.entries(manifest).find(([, text]) =>
    new RegExp(`(query|mutation) ${operationName}\\b`).test(text),
  );
  if (!entry) throw new Error(`no persisted document ${operationName}`);
  return entry[0];
}

/** A repeatable scatter around zero (standard normal), so the baseline is the same every run. */
function gaussianSequence(seed: number) {
  let state = seed;
  const uniform = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (state + 1) / 2_147_483_649;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe("the quality screens in a browser against the running plant", () => {
  let bagLine: string;
  let liveCharacteristic: string;

  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
    browser = await launchChromium();
    bagLine = (await stack.db.prisma.line.findFirstOrThrow({ where: { code: "bagging-1" } })).id;
    liveCharacteristic = (
      await stack.db.prisma.qualityCharacteristic.findFirstOrThrow({ where: { liveSignal: "weight" } })
    ).id;
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== "fail") return;
    let index = 0;
    for (const browserContext of contexts)
      for (const page of browserContext.pages())
        await screenshot(page, `failed-quality-${context.task.name.slice(0, 40)}-${index++}`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stack?.close();
  });

  it("an inspector records a due check against the limits and sees the out-of-spec value flagged; the check reaches another tablet's due list live", async () => {
    expect(stack.subgraphs).toContain("quality");
    const inspector = await newPage(TABLET_PORTRAIT);
    const otherTablet = await newPage(TABLET_LANDSCAPE);
    await signIn(inspector, "inspector");
    // An inspector lands on the quality screens.
    await expect.poll(() => new URL(inspector.url()).pathname).toBe("/quality");
    await signIn(otherTablet, "inspector");
    await openOnLine(otherTablet, "/quality", bagLine);
    await otherTablet
      .getByText("No check is due on this line.")
      .or(otherTablet.getByTestId("due-check").first())
      .waitFor();
    const dueBefore = await otherTablet.getByTestId("due-check").count();

    await openOnLine(inspector, "/quality", bagLine);
    await inspector.locator("#plan-select").selectOption({ label: "25 kg bag weight and seal check" });
    await inspector.getByRole("button", { name: "Open check", exact: true }).click();
    const form = inspector.getByTestId("check-form");
    await form.waitFor();
    // The limits are on the form before anything is typed.
    await expect
      .poll(() => form.getByTestId("limits").first().textContent())
      .toMatch(/LSL 24\.900 · nominal 25\.100 · USL 25\.300\s*kg/);

    // Opened on one tablet, the check arrives on the other's list through qualityCheckDue.
    await expect.poll(() => otherTablet.getByTestId("due-check").count()).toBe(dueBefore + 1);

    const weights = ["25.104", "25.120", "25.088", "25.352", "25.096"];
    for (const [index, weight] of weights.entries())
      await inspector.getByLabel(`Net weight, sample ${index + 1}`, { exact: true }).fill(weight);
    // Judged as typed: the one above USL is flagged in words, the others are within spec.
    const samples = form.getByTestId("characteristic").filter({ hasText: "Net weight" }).getByTestId("sample");
    await expect.poll(() => samples.nth(3).getAttribute("data-judgement")).toBe("above");
    expect(await samples.nth(3).textContent()).toContain("Out of spec: above USL 25.300 kg");
    expect(await inspector.getByLabel("Net weight, sample 4", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    for (const index of [0, 1, 2, 4]) expect(await samples.nth(index).getAttribute("data-judgement")).toBe("within");
    // Text is refused on the spot; nothing is sent.
    await inspector.getByLabel("Net weight, sample 5", { exact: true }).fill("25,1kg");
    await expect.poll(() => samples.nth(4).textContent()).toContain("Not a number");
    await inspector.getByLabel("Net weight, sample 5", { exact: true }).fill("25.096");
    for (let sample = 1; sample <= 5; sample++) {
      await inspector.getByRole("button", { name: `Seal integrity, sample ${sample}: pass` }).click();
      await inspector.getByRole("button", { name: `Best-before legible, sample ${sample}: pass` }).click();
    }
    await screenshot(inspector, "quality-check-out-of-spec-768x1024");
    expect(await screenChecks(inspector)).toEqual({ axe: [], smallTargets: [] });

    await inspector.getByRole("button", { name: "Record and complete check" }).click();
    await expect.poll(() => inspector.getByTestId("check-saved").textContent()).toContain("Check failed");
    await expect.poll(() => form.getAttribute("data-status")).toBe("FAILED");
    // The server judged the same: the 25.352 kg bag is stored out of spec, the rest within.
    const stored = await stack.db.prisma.measurement.findMany({
      where: { characteristic: { name: "Net weight" }, check: { lineId: bagLine }, supersededById: null },
      orderBy: { sampleIndex: "asc" },
    });
    expect(stored.map((measurement) => [measurement.value, measurement.withinSpec])).toEqual(
      weights.map((weight) => [Number(weight), weight !== "25.352"]),
    );
    const check = await stack.db.prisma.qualityCheck.findUniqueOrThrow({ where: { id: stored[0]!.checkId } });
    expect(check.status).toBe("FAILED");
    await screenshot(inspector, "quality-check-failed-768x1024");
    await screenshot(otherTablet, "quality-due-checks-1280x800");
  });

  it("an operator records scrap from the line dashboard (a negative quantity is refused on the spot) and a viewer has no scrap control", async () => {
    const operator = await newPage(TABLET_PORTRAIT);
    await signIn(operator, "operator");
    await operator.goto(`${stack.webUrl}/lines/${bagLine}`);
    await operator.getByTestId("line-dashboard").waitFor();
    await operator.getByRole("button", { name: "Record scrap or rework" }).click();
    const scrapForm = operator.getByTestId("scrap-form");
    await scrapForm.waitFor();
    const before = await stack.db.prisma.scrapRecord.count();

    await operator.getByLabel("Units", { exact: true }).fill("-2");
    await operator.getByRole("button", { name: "Good units" }).click();
    await scrapForm.getByRole("button", { name: "Record", exact: true }).click();
    await expect.poll(() => operator.getByTestId("scrap-refusal").textContent()).toContain("whole number");
    expect(await stack.db.prisma.scrapRecord.count()).toBe(before);

    await operator.getByLabel("Units", { exact: true }).fill("3");
    await operator.getByLabel("Reason").fill("Bags split at the sealing jaw");
    await screenshot(operator, "line-dashboard-scrap-768x1024");
    await scrapForm.getByRole("button", { name: "Record", exact: true }).click();
    await expect
      .poll(() => operator.getByTestId("scrap-recorded").textContent())
      .toContain("3 units recorded as scrap");
    const record = await stack.db.prisma.scrapRecord.findFirstOrThrow({ orderBy: { reportedAt: "desc" } });
    expect(record).toMatchObject({
      lineId: bagLine,
      quantity: 3,
      disposition: "SCRAP",
      plcCountedAsReject: false,
      reason: "Bags split at the sealing jaw",
    });
    expect(await screenChecks(operator)).toEqual({ axe: [], smallTargets: [] });

    const viewer = await newPage(TABLET_LANDSCAPE);
    await signIn(viewer, "viewer");
    await viewer.goto(`${stack.webUrl}/lines/${bagLine}`);
    await viewer.getByTestId("line-dashboard").waitFor();
    expect(await viewer.getByTestId("line-scrap").count()).toBe(0);
  });

  it("the defect Pareto ranks a line's defects largest first with the running share", async () => {
    const inspectorUser = await stack.db.prisma.user.findFirstOrThrow({ where: { username: "inspector" } });
    const codeId = async (code: string) => (await stack.db.prisma.defectCode.findUniqueOrThrow({ where: { code } })).id;
    for (const [code, quantity] of [
      ["SEAL-WRINKLE", 6],
      ["WEIGHT-UNDER", 12],
      ["BAG-TORN", 2],
    ] as const)
      await stack.db.prisma.defectRecord.create({
        data: { defectCodeId: await codeId(code), lineId: bagLine, quantity, recordedById: inspectorUser.id },
      });
    for (const [size, viewport] of SIZES) {
      const page = await newPage(viewport);
      await signIn(page, "inspector");
      await openOnLine(page, "/quality/defects", bagLine);
      const bars = page.getByTestId("defect-bar");
      await expect.poll(() => bars.count()).toBe(3);
      expect(await bars.nth(0).textContent()).toMatch(/WEIGHT-UNDER.*12\s*60\.0 %\s*60\.0 %/);
      expect(await bars.nth(1).textContent()).toMatch(/SEAL-WRINKLE.*6\s*30\.0 %\s*90\.0 %/);
      expect(await bars.nth(2).textContent()).toMatch(/BAG-TORN.*2\s*10\.0 %\s*100\.0 %/);
      await page
        .getByRole("img", { name: /Pareto chart of defective units/ })
        .locator("canvas")
        .waitFor();
      expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
      await screenshot(page, `quality-defect-pareto-${size}`);
    }
  });

  it("an inspector puts a work order on hold, approves its disposition and releases it; a viewer sees it without a control and is refused when forcing one", async () => {
    const workOrder = await stack.db.prisma.workOrder.findFirstOrThrow({ where: { lineId: bagLine } });
    const inspector = await newPage(TABLET_LANDSCAPE);
    await signIn(inspector, "inspector");
    await openOnLine(inspector, "/quality/holds", bagLine);
    await inspector.locator(`#hold-work-order option[value="${workOrder.id}"]`).waitFor({ state: "attached" });
    await inspector.locator("#hold-work-order").selectOption(workOrder.id);
    await inspector.getByLabel("Units held (empty: the whole order)").fill("40");
    await inspector.getByLabel("Reason", { exact: true }).fill("Seal integrity failed on the 10:00 check");
    await inspector.getByRole("button", { name: "Put on hold" }).click();
    const row = inspector.getByTestId("hold").filter({ hasText: "Seal integrity failed" });
    await expect.poll(() => row.getAttribute("data-status")).toBe("ON_HOLD");
    const hold = await stack.db.prisma.qualityHold.findFirstOrThrow({ where: { workOrderId: workOrder.id } });
    expect(hold).toMatchObject({ status: "ON_HOLD", quantity: 40 });

    // A viewer reads the hold but has no control, and the server refuses the disposition forced by its document id.
    const viewer = await newPage(TABLET_PORTRAIT);
    await signIn(viewer, "viewer");
    await openOnLine(viewer, "/quality/holds", bagLine);
    await viewer.getByTestId("hold").filter({ hasText: "Seal integrity failed" }).waitFor();
    expect(await viewer.getByRole("button", { name: /Approve disposition|Release|Put on hold/ }).count()).toBe(0);
    await screenshot(viewer, "quality-holds-viewer-768x1024");
    const signInResponse = await fetch(`${stack.webUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "viewer", password: PASSWORD }),
    });
    const { accessToken } = (await signInResponse.json()) as { accessToken: string };
    const forced = await fetch(`${stack.webUrl}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        documentId: documentIdOf("DispositionQualityHold"),
        operationName: "DispositionQualityHold",
        variables: { holdId: hold.id, disposition: "SCRAP", note: "forced" },
      }),
    });
    const answer = (await forced.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await stack.db.prisma.qualityHold.findUniqueOrThrow({ where: { id: hold.id } })).status).toBe("ON_HOLD");

    await row.getByLabel("Disposition").selectOption("REWORK");
    await row.getByLabel("Note").fill("Re-seal and re-check 40 bags");
    await screenshot(inspector, "quality-holds-1280x800");
    expect(await screenChecks(inspector)).toEqual({ axe: [], smallTargets: [] });
    await row.getByRole("button", { name: "Approve disposition" }).click();
    await expect.poll(() => row.getAttribute("data-status")).toBe("DISPOSITIONED");
    await row.getByRole("button", { name: "Release" }).click();
    // Released holds leave the list of open ones.
    await expect.poll(() => row.count()).toBe(0);
    expect(await stack.db.prisma.qualityHold.findUniqueOrThrow({ where: { id: hold.id } })).toMatchObject({
      status: "RELEASED",
      disposition: "REWORK",
      dispositionNote: "Re-seal and re-check 40 bags",
    });
  });

  it("the check weigher's X̄-R chart shows its limits and zones, a drift read from the PLC is announced live and marked, and capability states its sigma and sample count", async () => {
    const plc = stack.emulatorOf(WEIGHER).control;
    // The bagger stands still so that every weighing is one this test writes, as the PLC program does:
    // the ring slot first, then the weigh counter.
    plc.setState(BAGGER, "IDLE");
    await new Promise((resolve) => setTimeout(resolve, 500));
    let count = Number(plc.getTag(`${WEIGHER}.WeighCount`));
    const subgroupsNow = () => stack.db.prisma.spcSubgroup.count({ where: { characteristicId: liveCharacteristic } });
    const weigh = async (values: number[]) => {
      const before = await subgroupsNow();
      for (const value of values) {
        count++;
        plc.setTag(`${WEIGHER}.WeightRing[${count % 16}]`, value);
        plc.setTag(`${WEIGHER}.WeighCount`, count);
      }
      await expect.poll(subgroupsNow).toBeGreaterThan(before);
    };
    const noise = gaussianSequence(16);
    const started = await subgroupsNow();
    // 25 subgroups of 5 around 25.10 kg (σ 0.02) freeze the limits.
    for (let subgroup = started; subgroup < 26; subgroup++)
      await weigh(Array.from({ length: 5 }, () => Math.round((25.1 + 0.02 * noise()) * 1000) / 1000));

    const pages: [string, Page][] = [];
    for (const [size, viewport] of SIZES) {
      const page = await newPage(viewport);
      await signIn(page, "inspector");
      await openOnLine(page, "/quality/spc", bagLine);
      await expect.poll(() => page.locator("#characteristic-select").inputValue()).toBe(liveCharacteristic);
      await expect
        .poll(async () => Number(await page.getByTestId("spc-chart").getAttribute("data-points")))
        .toBeGreaterThanOrEqual(26);
      await expect
        .poll(() => page.getByTestId("control-limits").textContent())
        .toMatch(/limits frozen from subgroups 1–25/);
      pages.push([size, page]);
    }

    // One more in-control subgroup: the open charts move by themselves (spcSubgroupsAdded), no rule broken.
    const pointsOf = async (page: Page) => Number(await page.getByTestId("spc-chart").getAttribute("data-points"));
    const shown = await Promise.all(pages.map(([, page]) => pointsOf(page)));
    await weigh(Array.from({ length: 5 }, () => Math.round((25.1 + 0.02 * noise()) * 1000) / 1000));
    for (const [index, [, page]] of pages.entries())
      await expect.poll(() => pointsOf(page)).toBeGreaterThan(shown[index]!);

    // The filler drifts: ten bags far above the upper control limit (at least one whole subgroup of
    // them, whatever weighings were still pending from before).
    await weigh([25.26, 25.27, 25.25, 25.28, 25.26]);
    await weigh([25.27, 25.26, 25.28, 25.25, 25.27]);
    for (const [size, page] of pages) {
      await expect.poll(() => page.getByTestId("live-violations").textContent()).toContain("WE1");
      const chart = page.getByTestId("spc-chart");
      await expect.poll(() => page.getByTestId("violations").textContent()).toContain("WE1");
      await chart
        .getByRole("img", { name: /X̄ chart of Bag net weight/ })
        .locator("canvas")
        .waitFor();
      const capability = page.getByTestId("capability-basis");
      await expect.poll(() => capability.textContent()).toMatch(/σ within [\d.]+ \(R̄\/d2\).*σ overall [\d.]+/);
      // Every value of the subgroups shown: at least the 25 of the baseline, two more and the drift.
      const values = Number(/(\d+) values/.exec((await capability.textContent()) ?? "")?.[1]);
      expect(values).toBeGreaterThanOrEqual(28 * 5);
      for (const index of ["Cp", "Cpk", "Pp", "Ppk"])
        expect(await page.getByTestId(`capability-${index}`).textContent()).toMatch(/\d\.\d\d/);
      expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
      await screenshot(page, `quality-spc-chart-${size}`);
    }
    const violation = await stack.db.prisma.spcViolation.findFirstOrThrow({
      where: { characteristicId: liveCharacteristic, rule: "WE1" },
    });
    expect(violation).toBeTruthy();
  });
});
