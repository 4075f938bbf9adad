// The app in a real browser against the real plant: emulated PLCs, bridge, production subgraph,
// gateway and the production build of the web app. Operators, managers and the API's refusals, live
// stops from a forced PLC fault, and operator actions taken offline applied exactly once.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { type PlantStack, startPlantStack, WEB_ROOT } from "./plant-stack.ts";

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

async function newPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, hasTouch: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** Ticks a checkbox and waits for the app to show it ticked (it re-renders from its own state). */
async function tick(checkbox: ReturnType<Page["getByLabel"]>) {
  await checkbox.click();
  await expect.poll(() => checkbox.isChecked()).toBe(true);
}

async function signIn(page: Page, login: string) {
  await page.goto(`${stack.webUrl}/sign-in`);
  await page.getByLabel("Username or employee id").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("who").waitFor();
}

async function lineIdOf(code: string): Promise<string> {
  const line = await stack.db.prisma.line.findFirstOrThrow({ where: { code } });
  return line.id;
}

/** The bagger's fault bit whose catalog entry suggests a reason, with that reason's name. */
async function faultWithReason(bitIndex: number) {
  const entry = await stack.db.prisma.faultCatalogEntry.findFirstOrThrow({
    where: { bitIndex, equipment: { code: "BAGGER-1" } },
    include: { suggestedReasonCode: true },
  });
  return { bit: bitIndex, code: entry.faultCode, reason: entry.suggestedReasonCode!.name };
}

async function waitForStopToEnd() {
  for (let i = 0; i < 100; i++) {
    const open = await stack.db.prisma.downtimeEvent.count({
      where: { endedAt: null, equipment: { code: "BAGGER-1" } },
    });
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the bagger's stop did not end");
}

describe("the floor app in a browser against the running plant", () => {
  let bagLine: string;
  let operatorPage: Page;
  let operatorContext: BrowserContext;
  let managerPage: Page;
  let withAndon: boolean;

  beforeAll(async () => {
    stack = await startPlantStack(inject("testRun" as never) as TestRun);
    withAndon = stack.subgraphs.includes("andon");
    browser = await launchChromium();
    bagLine = await lineIdOf(
      (await stack.db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" }, include: { line: true } })).line
        .code,
    );
    // A manager gave the operator a job on Bagger 1 (written directly: the app has no assignment screen yet,
    // and the gateway runs only the app's documents for users).
    const operator = await stack.db.prisma.user.findFirstOrThrow({ where: { username: "operator" } });
    const manager = await stack.db.prisma.user.findFirstOrThrow({ where: { username: "pmanager" } });
    const bagger = await stack.db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" } });
    await stack.db.prisma.jobAssignment.create({
      data: {
        title: "Bag 25 kg cement, order 4711",
        lineId: bagLine,
        equipmentId: bagger.id,
        assigneeId: operator.id,
        assignedById: manager.id,
        plannedQuantity: 1200,
      },
    });
    ({ page: operatorPage, context: operatorContext } = await newPage(TABLET_PORTRAIT));
  });

  // A failed step leaves a picture of every open page behind (web/test-results/failed-*.png).
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

  it("an operator signs in, accepts a job, signs its pre-start checklist and starts it", async () => {
    await signIn(operatorPage, "operator");
    await screenshot(operatorPage, "lines-768x1024");
    await operatorPage.getByRole("link", { name: "My jobs", exact: true }).click();
    const job = operatorPage.getByTestId("job").filter({ hasText: "order 4711" });
    await job.getByRole("button", { name: "Accept job" }).click();
    await expect.poll(() => job.getAttribute("data-job-status")).toBe("ACCEPTED");

    // Starting before the checklist is refused and explained; nothing changes.
    await job.getByRole("button", { name: "Start job" }).click();
    await operatorPage.getByTestId("job-refusal").getByText("Sign the pre-start checklist first").waitFor();
    expect(await job.getAttribute("data-job-status")).toBe("ACCEPTED");

    await job.getByRole("link", { name: "Pre-start checklist" }).click();
    const form = operatorPage.getByTestId("checklist");
    await tick(form.getByLabel("All guards closed and interlocks tested"));
    await tick(form.getByLabel("Emergency stop tested"));
    await form.getByLabel("Sealing jaw temperature").fill("176");
    await form.getByLabel("Air pressure").fill("6.2");
    await form.getByLabel("Bag size selected").selectOption("25 kg");
    await form.getByLabel("Film roll lot number").fill("LOT-2291");
    await tick(form.getByLabel("Area clean, no foreign material"));
    await form.getByLabel(/Operator signature/).fill("Sipho Dlamini");
    await form.getByLabel(/PIN or password/).fill(PASSWORD);
    await screenshot(operatorPage, "checklist-768x1024");
    await form.getByRole("button", { name: "Sign checklist" }).click();
    await form.getByTestId("checklist-signed").getByText("Signed and passed").waitFor();

    await operatorPage.getByRole("link", { name: "My jobs", exact: true }).click();
    await job.getByRole("button", { name: "Start job" }).click();
    await expect.poll(() => job.getAttribute("data-job-status")).toBe("IN_PROGRESS");
    await screenshot(operatorPage, "jobs-768x1024");

    const stored = await stack.db.prisma.jobAssignment.findFirstOrThrow({
      where: { title: { contains: "order 4711" } },
    });
    expect(stored.status).toBe("IN_PROGRESS");
    expect(
      await stack.db.prisma.checklistCompletion.count({ where: { jobId: stored.id, status: "SIGNED", passed: true } }),
    ).toBe(1);
  });

  it("a fault forced on the PLC appears on the operator's dashboard with its suggested reason and on the manager's andon board, and the operator confirms it", async () => {
    const fault = await faultWithReason(4);
    ({ page: managerPage } = await newPage(TABLET_LANDSCAPE));
    await signIn(managerPage, "pmanager");
    await managerPage.getByRole("link", { name: "Andon", exact: true }).click();
    await managerPage
      .getByTestId("andon-board")
      .getByText(/No open andons|Raised/)
      .first()
      .waitFor();
    await operatorPage.goto(`${stack.webUrl}/lines/${bagLine}`);
    await operatorPage.locator('[data-testid="line-dashboard"][data-live="true"]').waitFor();
    await operatorPage.getByTestId("current-job").getByText("order 4711").waitFor();

    stack.emulatorOf(BAGGER).control.forceFault(BAGGER, fault.bit);
    const stop = operatorPage
      .getByTestId("current-stop")
      .getByTestId("stop")
      .filter({ hasText: `Fault ${fault.code}` });
    await stop.getByTestId("suggested-reason").getByText(fault.reason).waitFor();
    await operatorPage.getByTestId("line-state").getByText("Down").waitFor();
    await screenshot(operatorPage, "line-dashboard-stop-768x1024");
    if (withAndon) {
      const andon = managerPage
        .getByTestId("andon-board")
        .getByTestId("andon")
        .filter({ hasText: `PLC fault ${fault.code}` });
      await andon.waitFor();
      await andon.getByTestId("andon-escalation").waitFor();
      await screenshot(managerPage, "andon-board-1280x800");
    }

    await stop.getByTestId("confirm-suggested").click();
    await stop.getByTestId("confirmed-reason").getByText(fault.reason).waitFor();
    const event = await stack.db.prisma.downtimeEvent.findFirstOrThrow({
      where: { firstOutFaultCode: fault.code },
      include: { reasonCode: true, confirmedBy: true },
    });
    expect(event.reasonCode?.name).toBe(fault.reason);
    expect(event.confirmedBy?.username).toBe("operator");

    await operatorPage.setViewportSize(TABLET_LANDSCAPE);
    await screenshot(operatorPage, "line-dashboard-stop-1280x800");
    await operatorPage.setViewportSize(TABLET_PORTRAIT);
  });

  it("a manager sees the stop with the reason the operator confirmed", async () => {
    const fault = await faultWithReason(4);
    const page = managerPage;
    await page.getByRole("link", { name: "Production overview", exact: true }).click();
    const line = page.getByTestId("overview-line").filter({ hasText: "Bagging Line 1" });
    await line.getByTestId("overview-stop").filter({ hasText: fault.reason }).getByText("by Sipho Dlamini").waitFor();
    await screenshot(page, "overview-1280x800");
    if (withAndon) {
      // The manager takes the PLC's andon: it leaves the open state and its acknowledge escalation stops.
      await page.getByRole("link", { name: "Andon", exact: true }).click();
      const andon = page
        .getByTestId("andon-board")
        .getByTestId("andon")
        .filter({ hasText: `PLC fault ${fault.code}` });
      await andon.getByRole("button", { name: "Acknowledge" }).click();
      await expect.poll(() => andon.getAttribute("data-andon-status")).toBe("ACKNOWLEDGED");
      const stored = await stack.db.prisma.andonEvent.findFirstOrThrow({ where: { faultCode: fault.code } });
      expect(stored.status).toBe("ACKNOWLEDGED");
    }
    await page.getByRole("link", { name: "Downtime review" }).click();
    await page.getByTestId("downtime-row").filter({ hasText: fault.code }).getByText("Sipho Dlamini").waitFor();
    await screenshot(page, "downtime-review-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "downtime-review-768x1024");
  });

  it("an operator cannot open a manager page, and the API refuses the manager's mutation when forced", async () => {
    await expect.poll(() => operatorPage.getByRole("link", { name: "Production overview" }).count()).toBe(0);
    await operatorPage.goto(`${stack.webUrl}/overview`);
    await operatorPage.getByTestId("refused-screen").getByText("for shift and production managers").waitFor();
    expect(await operatorPage.getByTestId("overview-line").count()).toBe(0);

    // Forced through the app's own GraphQL door with the operator's own token.
    const signInResponse = await fetch(`${stack.webUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "operator", password: PASSWORD }),
    });
    const { accessToken } = (await signInResponse.json()) as { accessToken: string };
    const event = await stack.db.prisma.downtimeEvent.findFirstOrThrow({ where: { firstOutFaultCode: { not: null } } });
    const before = await stack.db.prisma.downtimeEvent.findUniqueOrThrow({ where: { id: event.id } });
    const force = async (body: Record<string, unknown>) => {
      const response = await fetch(`${stack.webUrl}/api/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
        ?.code;
    };
    const variables = {
      downtimeEventId: event.id,
      reasonCodeId: before.reasonCodeId ?? before.suggestedReasonCodeId,
      note: "forced",
    };
    // The app's own manager document, by its id: the operator lacks the permission.
    expect(
      await force({
        documentId: documentIdOf("ReclassifyDowntimeEvent"),
        operationName: "ReclassifyDowntimeEvent",
        variables,
      }),
    ).toBe("FORBIDDEN");
    // A hand-written document: not one of the app's, so not run at all.
    expect(
      await force({
        query: `mutation($id: ID!, $reason: ID!) { reclassifyDowntimeEvent(downtimeEventId: $id, reasonCodeId: $reason, note: "forced") { __typename } }`,
        variables: { id: variables.downtimeEventId, reason: variables.reasonCodeId },
      }),
    ).toBe("PERSISTED_QUERY_NOT_FOUND");
    const after = await stack.db.prisma.downtimeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(after).toEqual(before);
  });

  it("a viewer sees the line live but no buttons that change anything", async () => {
    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "viewer");
    await page.goto(`${stack.webUrl}/lines/${bagLine}`);
    await page.locator('[data-testid="line-dashboard"][data-live="true"]').waitFor();
    await page.getByTestId("current-job").waitFor();
    expect(await page.getByTestId("confirm-suggested").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Raise|Acknowledge|Change reason|Different reason/ }).count()).toBe(
      0,
    );
    expect(await page.getByRole("link", { name: "My jobs", exact: true }).count()).toBe(0);
  });

  it("a tablet bound to a line signs an operator in with employee id and PIN and opens that line; the refresh token stays in an httpOnly cookie", async () => {
    await operatorPage.goto(`${stack.webUrl}/lines/${bagLine}`);
    await operatorPage.getByRole("button", { name: "Use this tablet for this line" }).click();
    await operatorPage.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => new URL(operatorPage.url()).pathname).toBe("/sign-in");
    await operatorPage.goto(`${stack.webUrl}/tablet`);
    await operatorPage.getByTestId("tablet-line").getByText("Bagging Line 1").waitFor();
    await operatorPage.getByLabel("Employee id or username").fill("E1005");
    for (const digit of "1234") await operatorPage.getByRole("button", { name: `Digit ${digit}` }).click();
    await operatorPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => new URL(operatorPage.url()).pathname).toBe(`/lines/${bagLine}`);
    await operatorPage.getByTestId("who").getByText("Sipho Dlamini").waitFor();

    const [refresh] = (await operatorContext.cookies()).filter((cookie) => cookie.name === "ms5_refresh");
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/auth" });
    const stored = await operatorPage.evaluate(() => Object.values({ ...localStorage }).join(" "));
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(stored).not.toContain(refresh!.value);
  });

  it("a reason confirmed and an andon raised while the tablet is offline are kept as pending and applied exactly once when it is back", async () => {
    stack.emulatorOf(BAGGER).control.clearFaults(BAGGER);
    await waitForStopToEnd();
    const fault = await faultWithReason(3);
    await operatorPage.goto(`${stack.webUrl}/lines/${bagLine}`);
    await operatorPage.locator('[data-testid="line-dashboard"][data-live="true"]').waitFor();
    stack.emulatorOf(BAGGER).control.forceFault(BAGGER, fault.bit);
    const stop = operatorPage
      .getByTestId("current-stop")
      .getByTestId("stop")
      .filter({ hasText: `Fault ${fault.code}` });
    await stop.getByTestId("suggested-reason").getByText(fault.reason).waitFor();

    await operatorContext.setOffline(true);
    await operatorPage.locator('[data-testid="link-state"][data-link="offline"]').waitFor();
    await stop.getByTestId("confirm-suggested").click();
    await stop.getByTestId("reason-pending").waitFor();
    if (withAndon) {
      const raise = operatorPage.getByTestId("line-andons");
      await raise.getByRole("button", { name: "Material" }).click();
      await raise.getByLabel("Note").fill("Out of film rolls");
      await raise.getByRole("button", { name: "Raise material andon" }).click();
      await raise.getByTestId("andon-pending").waitFor();
    }
    await operatorPage.getByTestId("pending-actions").waitFor();
    await screenshot(operatorPage, "line-dashboard-offline-768x1024");
    const event = await stack.db.prisma.downtimeEvent.findFirstOrThrow({ where: { firstOutFaultCode: fault.code } });
    expect(event.confirmedAt).toBeNull();

    // The queue is on the device: a reload while offline would keep it (checked in storage).
    const stored = await operatorPage.evaluate(() => localStorage.getItem("ms5.offline-actions.v1"));
    expect(JSON.parse(stored ?? "[]")).toHaveLength(withAndon ? 2 : 1);

    await operatorContext.setOffline(false);
    await stop.getByTestId("confirmed-reason").getByText(fault.reason).waitFor();
    await expect.poll(() => operatorPage.getByTestId("pending-actions").count()).toBe(0);
    const confirmations = await stack.db.prisma.downtimeEventAudit.count({
      where: { eventId: event.id, action: "REASON_CONFIRMED" },
    });
    expect(confirmations).toBe(1);
    if (withAndon) {
      await operatorPage
        .getByTestId("line-andons")
        .getByTestId("andon")
        .filter({ hasText: "Out of film rolls" })
        .waitFor();
      expect(await stack.db.prisma.andonEvent.count({ where: { note: "Out of film rolls" } })).toBe(1);
    }
    expect(await operatorPage.evaluate(() => localStorage.getItem("ms5.offline-actions.v1"))).toBe("[]");
    stack.emulatorOf(BAGGER).control.clearFaults(BAGGER);
  });

  it("an operator completes the job with the quantities made, and a bad quantity is refused on the spot", async () => {
    await operatorPage.getByRole("link", { name: "My jobs", exact: true }).click();
    const job = operatorPage.getByTestId("job").filter({ hasText: "order 4711" });
    await job.getByLabel("Good").fill("-3");
    await job.getByRole("button", { name: "Complete job" }).click();
    await job.getByText("Enter whole numbers of 0 or more.").waitFor();
    await job.getByLabel("Good").fill("1180");
    await job.getByLabel("Rejected").fill("7");
    await job.getByRole("button", { name: "Complete job" }).click();
    await operatorPage.getByText("No open jobs for you.").waitFor();
    const stored = await stack.db.prisma.jobAssignment.findFirstOrThrow({
      where: { title: { contains: "order 4711" } },
    });
    expect(stored).toMatchObject({ status: "COMPLETED", actualGoodQuantity: 1180, actualRejectQuantity: 7 });
  });
});
