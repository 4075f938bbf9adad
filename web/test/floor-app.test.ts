// The app in a real browser against the real plant: emulated PLCs, bridge, production subgraph,
// gateway and the production build of the web app. Operators, managers and the API's refusals, live
// stops from a forced PLC fault, and operator actions taken offline applied exactly once.

import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, screenshot, TABLET_LANDSCAPE, TABLET_PORTRAIT } from "./browser.ts";
import { screenChecks } from "./page-checks.ts";
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

/**
 * Ticks a checkbox and waits for the app to show it ticked (it re-renders from its own state). A
 * click that lands before React has hydrated the page is undone by hydration, so it clicks again
 * while the box is still clear.
 */
async function tick(checkbox: ReturnType<Page["getByLabel"]>) {
  for (let attempt = 1; attempt <= 5 && !(await checkbox.isChecked()); attempt++) {
    await checkbox.click();
    await expect
      .poll(() => checkbox.isChecked(), { timeout: 5_000 })
      .toBe(true)
      .catch(() => {});
  }
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

  it("a manager assigns a job on Bagger 1 to an operator, and it appears in the operator's My jobs", async () => {
    ({ page: managerPage } = await newPage(TABLET_LANDSCAPE));
    await signIn(managerPage, "pmanager");
    await managerPage.getByRole("link", { name: "Assign jobs", exact: true }).click();
    await managerPage.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    await managerPage.getByLabel("Equipment").getByRole("option", { name: "Bagger 1" }).waitFor({ state: "attached" });
    await managerPage.getByLabel("Job", { exact: true }).fill("Bag 25 kg cement, order 4711");
    await managerPage.getByLabel("Operator").selectOption({ label: "Sipho Dlamini (E1005)" });
    await managerPage.getByLabel("Equipment").selectOption({ label: "Bagger 1" });
    await managerPage.getByLabel("Planned quantity").fill("1200");
    await managerPage.getByRole("button", { name: "Assign job" }).click();
    await managerPage.getByTestId("assign-outcome").getByText("Assigned to Sipho Dlamini.").waitFor();
    await managerPage
      .getByTestId("line-job")
      .filter({ hasText: "order 4711" })
      .and(managerPage.locator('[data-job-status="ASSIGNED"]'))
      .waitFor();
    await screenshot(managerPage, "assign-jobs-1280x800");
    await managerPage.setViewportSize(TABLET_PORTRAIT);
    await screenshot(managerPage, "assign-jobs-768x1024");
    await managerPage.setViewportSize(TABLET_LANDSCAPE);

    const stored = await stack.db.prisma.jobAssignment.findFirstOrThrow({
      where: { title: "Bag 25 kg cement, order 4711" },
      include: { assignee: true, assignedBy: true, equipment: true },
    });
    expect(stored).toMatchObject({ status: "ASSIGNED", plannedQuantity: 1200, lineId: bagLine });
    expect([stored.assignee.username, stored.assignedBy.username, stored.equipment?.code]).toEqual([
      "operator",
      "pmanager",
      "BAGGER-1",
    ]);

    await signIn(operatorPage, "operator");
    await screenshot(operatorPage, "lines-768x1024");
    await operatorPage.getByRole("link", { name: "My jobs", exact: true }).click();
    await operatorPage.getByTestId("job").filter({ hasText: "order 4711" }).waitFor();
  });

  it("an operator accepts the job, signs its pre-start checklist and starts it", async () => {
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

  it("a manager opens Fault analysis from Downtime review: the forced fault is in the Pareto and on Bagger 1's timeline, and its stop opens to the faults that started it", async () => {
    const fault = await faultWithReason(4);
    const page = managerPage;
    await page.setViewportSize(TABLET_LANDSCAPE);
    await page.goto(`${stack.webUrl}/downtime`);
    await page.getByRole("link", { name: "Fault analysis" }).click();
    // The bridge's rise of the bit, recorded by production's fault recorder.
    const statistic = page.getByTestId("fault-statistic").and(page.locator(`[data-code="${fault.code}"]`));
    await statistic.waitFor();
    const recorded = await stack.db.prisma.faultEvent.findFirstOrThrow({ where: { faultCode: fault.code } });
    expect(recorded.isFirstOut).toBe(true);
    await page
      .locator('[data-testid="fault-timeline-machine"][data-equipment="Bagger 1"]')
      .locator(`[data-code="${fault.code}"]`)
      .first()
      .waitFor();
    await page.getByRole("button", { name: "By time lost" }).click();
    await page
      .getByTestId("fault-statistic")
      .and(page.locator(`[data-code="${fault.code}"]`))
      .waitFor();
    const stop = page
      .getByTestId("fault-stop")
      .and(page.locator(`[data-first-out="${fault.code}"]`))
      .first();
    await stop.getByRole("button", { name: /Show faults/ }).click();
    const first = page.getByTestId("fault-sequence").locator("li").first();
    await first.waitFor();
    expect(await first.getAttribute("data-code")).toBe(fault.code);
    expect(await first.getAttribute("data-first-out")).toBe("true");
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(page, "faults-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "faults-768x1024");
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

  it("an attacker's endless chunked body to the app's GraphQL door is refused with 413 without being read whole", async () => {
    const target = new URL(`${stack.webUrl}/api/graphql`);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        target,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      // The server may cut the connection once it has refused: that is the refusal too.
      req.on("error", (error) => (sent > 0 ? undefined : reject(error)));
      const pump = () => {
        // 64 MiB at the most: far past the 256 KiB cap, so only a server that stops reading answers.
        while (sent < 256 && !req.destroyed) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(256);
  });

  it("an operator cannot open the admin screens, and the API refuses creating a user when forced", async () => {
    expect(await operatorPage.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    await operatorPage.goto(`${stack.webUrl}/admin/users`);
    await operatorPage.getByTestId("refused-screen").getByText("for administrators").waitFor();
    expect(await operatorPage.getByTestId("users-table").count()).toBe(0);

    const signInResponse = await fetch(`${stack.webUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "operator", password: PASSWORD }),
    });
    const { accessToken } = (await signInResponse.json()) as { accessToken: string };
    const usersBefore = await stack.db.prisma.user.count();
    const response = await fetch(`${stack.webUrl}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        documentId: documentIdOf("CreateUser"),
        operationName: "CreateUser",
        variables: {
          input: { employeeId: "E6666", username: "intruder", firstName: "In", lastName: "Truder", roles: ["ADMIN"] },
        },
      }),
    });
    const body = (await response.json()) as {
      data?: { createUser: unknown };
      errors?: { extensions?: { code?: string } }[];
    };
    expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(body.data?.createUser ?? null).toBeNull();
    expect(await stack.db.prisma.user.count()).toBe(usersBefore);
    expect(await stack.db.prisma.user.count({ where: { username: "intruder" } })).toBe(0);
  });

  it("an admin creates a user and sees the temporary password once, resets it, and is refused removing the last administrator", async () => {
    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByTestId("users-table").getByTestId("user-row").first().waitFor();
    await page.getByLabel("Employee id").fill("E2001");
    await page.getByLabel("Username").fill("lnkosi");
    await page.getByLabel("First name").fill("Lindiwe");
    await page.getByLabel("Last name").fill("Nkosi");
    await page.getByRole("button", { name: "Create account" }).click();
    const secret = page.getByTestId("one-time-secret");
    await secret.getByText("Shown once only.").waitFor();
    const firstPassword = await secret.getByTestId("secret-value").first().textContent();
    expect(firstPassword?.length).toBeGreaterThanOrEqual(8);
    await screenshot(page, "admin-users-created-1280x800");

    const created = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "lnkosi" } });
    expect(created).toMatchObject({ employeeId: "E2001", roles: ["OPERATOR"], active: true, mustChangePassword: true });
    expect(created.passwordHash).not.toContain(firstPassword!);

    // Once: dismissed, it is gone, and reading the users again never brings it back.
    await secret.getByRole("button", { name: /hide it/ }).click();
    await expect.poll(() => page.getByTestId("one-time-secret").count()).toBe(0);
    await page.reload();
    const row = page.getByTestId("user-row").and(page.locator('[data-username="lnkosi"]'));
    await row.waitFor();
    expect(await page.getByText(firstPassword!).count()).toBe(0);

    await row.getByRole("button", { name: "Reset password" }).click();
    await secret.getByText("New password for lnkosi").waitFor();
    const secondPassword = await secret.getByTestId("secret-value").first().textContent();
    expect(secondPassword).not.toBe(firstPassword);
    const reset = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "lnkosi" } });
    expect(reset.passwordHash).not.toBe(created.passwordHash);
    expect(reset.mustChangePassword).toBe(true);
    await secret.getByRole("button", { name: /hide it/ }).click();

    // The only administrator keeps ADMIN: the refusal is shown and the roles stay as they were.
    const adminRow = page.getByTestId("user-row").and(page.locator('[data-username="admin"]'));
    await adminRow.getByRole("button", { name: "Edit roles" }).click();
    await adminRow.getByLabel("Admin", { exact: true }).uncheck();
    await adminRow.getByLabel("Viewer", { exact: true }).check();
    await adminRow.getByRole("button", { name: "Save roles" }).click();
    await adminRow.getByTestId("user-refusal").waitFor();
    expect((await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } })).roles).toEqual(["ADMIN"]);
    await screenshot(page, "admin-users-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "admin-users-768x1024");

    // The other new screens, at both sizes, for the record.
    // The audit log shows the account made above; the escalation rules are the seeded ones.
    for (const [link, name, shown] of [
      ["Service accounts", "admin-service-accounts", "Service accounts and API keys"],
      ["Audit log", "admin-audit", "user.created"],
      ...(withAndon ? [["Escalation rules", "admin-escalation", "● Active"]] : []),
    ] as const) {
      await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: link }).click();
      await page.getByText(shown).first().waitFor();
      await page.setViewportSize(TABLET_LANDSCAPE);
      await screenshot(page, `${name}-1280x800`);
      await page.setViewportSize(TABLET_PORTRAIT);
      await screenshot(page, `${name}-768x1024`);
    }
    // A note left for the next shift is on the line's handover at once.
    await page.goto(`${stack.webUrl}/handover`);
    await page.getByRole("heading", { name: /Open andons/ }).waitFor();
    await page.getByLabel("Note for the next shift").fill("Bagger 1 film roll changed; watch the sealing jaw.");
    await page.getByRole("button", { name: "Leave note" }).click();
    await page.getByTestId("handover-note").filter({ hasText: "watch the sealing jaw" }).waitFor();
    expect(
      await stack.db.prisma.shiftHandoverNote.count({ where: { body: { contains: "watch the sealing jaw" } } }),
    ).toBe(1);
    await page.setViewportSize(TABLET_LANDSCAPE);
    await screenshot(page, "handover-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "handover-768x1024");
    if (withAndon) {
      await page.goto(`${stack.webUrl}/maintenance`);
      // The PLC fault's andon opened a corrective work order; it is started, then put on hold with a reason.
      const { code } = await faultWithReason(4);
      const order = page.getByTestId("maintenance-order").filter({ hasText: code }).first();
      await order.getByRole("button", { name: "Start" }).click();
      await expect.poll(() => order.getAttribute("data-status")).toBe("IN_PROGRESS");
      await order.getByLabel("Hold reason or failure cause").fill("Waiting for a sealing jaw spare");
      await order.getByRole("button", { name: "Hold" }).click();
      await expect.poll(() => order.getAttribute("data-status")).toBe("ON_HOLD");
      const held = await stack.db.prisma.maintenanceWorkOrder.findFirstOrThrow({
        where: { title: { contains: "BG-004" } },
      });
      expect(held.status).toBe("ON_HOLD");
      await page.setViewportSize(TABLET_LANDSCAPE);
      await screenshot(page, "maintenance-1280x800");
      await page.setViewportSize(TABLET_PORTRAIT);
      await screenshot(page, "maintenance-768x1024");
    }
  });

  it("an engineer adds a line, renames it and adds a machine to it on the Lines and equipment screen, and is refused a duplicate line code", async () => {
    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "engineer");
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByRole("heading", { name: "Lines and equipment" }).waitFor();
    await page.getByTestId("plant-line").first().waitFor();

    const newLine = page.getByRole("form", { name: "New line" });
    await newLine.getByLabel("Area").selectOption({ label: "Riverside Mill › Packing Hall" });
    await newLine.getByLabel("Line code").fill("trial-1");
    await newLine.getByLabel("Line name").fill("Trial Line");
    await newLine.getByRole("button", { name: "Add line" }).click();
    const row = page.getByTestId("plant-line").and(page.locator('[data-code="trial-1"]'));
    await row.getByText("Trial Line").waitFor();
    const created = await stack.db.prisma.line.findUniqueOrThrow({ where: { code: "trial-1" } });
    expect(created).toMatchObject({ name: "Trial Line", active: true, microStopThresholdSeconds: 120 });

    await row.getByRole("button", { name: "Edit line" }).click();
    await row.getByLabel("Name", { exact: true }).fill("Trial Line East");
    await row.getByLabel("Micro-stop threshold, seconds").fill("90");
    await row.getByRole("button", { name: "Save line" }).click();
    await row.getByText("Trial Line East").waitFor();
    expect(await stack.db.prisma.line.findUniqueOrThrow({ where: { code: "trial-1" } })).toMatchObject({
      name: "Trial Line East",
      microStopThresholdSeconds: 90,
    });

    await row.getByRole("button", { name: "Equipment", exact: true }).click();
    await page.getByRole("heading", { name: "Equipment of Trial Line East" }).waitFor();
    const newEquipment = page.getByRole("form", { name: "New equipment on Trial Line East" });
    await newEquipment.getByLabel("Equipment code").fill("TRIAL-FILL-1");
    await newEquipment.getByLabel("Equipment name").fill("Trial Filler");
    await newEquipment.getByLabel(/^Kind/).fill("filler");
    await newEquipment.getByLabel(/^Nameplate speed/).fill("45");
    await newEquipment.getByLabel("Criticality").selectOption("HIGH");
    await newEquipment.getByRole("button", { name: "Add equipment" }).click();
    await page.getByTestId("plant-equipment").and(page.locator('[data-code="TRIAL-FILL-1"]')).waitFor();
    const machine = await stack.db.prisma.equipment.findFirstOrThrow({ where: { code: "TRIAL-FILL-1" } });
    expect(machine).toMatchObject({ lineId: created.id, name: "Trial Filler", kind: "filler", active: true });
    expect(Number(machine.targetSpeedPerMinute)).toBe(45);

    // A second line with the same code is refused in words, and no line is added.
    const linesBefore = await stack.db.prisma.line.count();
    await newLine.getByLabel("Area").selectOption({ label: "Riverside Mill › Packing Hall" });
    await newLine.getByLabel("Line code").fill("trial-1");
    await newLine.getByLabel("Line name").fill("Trial Line again");
    await newLine.getByRole("button", { name: "Add line" }).click();
    await page.getByTestId("new-line-refusal").waitFor();
    expect(await stack.db.prisma.line.count()).toBe(linesBefore);
    await screenshot(page, "admin-plant-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "admin-plant-768x1024");
  });

  it("a shift manager sees the team with roles, department and last sign-in, searched and filtered by role", async () => {
    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "smanager");
    await page.getByRole("link", { name: "Team", exact: true }).click();
    const operator = page.getByTestId("team-member").and(page.locator('[data-username="operator"]'));
    await operator.waitFor();
    const seeded = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "operator" } });
    await operator.getByText(seeded.department!).waitFor();
    await operator.getByText("Operator", { exact: true }).waitFor();
    expect(await page.getByTestId("team-member").count()).toBe(await stack.db.prisma.user.count());
    // Only what a manager may read: nothing here changes an account.
    expect(await page.getByRole("button", { name: /Deactivate|Reset|Edit roles|Unlock/ }).count()).toBe(0);
    await screenshot(page, "team-1280x800");

    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Viewer" });
    await expect
      .poll(() => page.getByTestId("team-member").count())
      .toBe(await stack.db.prisma.user.count({ where: { roles: { has: "VIEWER" } } }));
    await page.getByTestId("team-member").and(page.locator('[data-username="viewer"]')).waitFor();
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Every role" });
    await page.getByLabel("Search people").fill("smanager");
    await expect.poll(() => page.getByTestId("team-member").count()).toBe(1);
    // Signing in above is the last sign-in shown.
    expect(await page.getByTestId("team-member").first().textContent()).not.toContain("never");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "team-768x1024");
  });

  it("an admin changes a fault's suggested reason and andon priority in the fault catalog, and a viewer may read it but not change it", async () => {
    const bagger = await stack.db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" } });
    const before = await stack.db.prisma.faultCatalogEntry.findFirstOrThrow({
      where: { equipmentId: bagger.id, faultCode: "BG-063" },
    });
    const drive = await stack.db.prisma.reasonCode.findFirstOrThrow({ where: { code: "UNPL-ELEC-DRIVE" } });
    expect(before.suggestedReasonCodeId).not.toBe(drive.id);
    expect(before.andonPriority).toBe("LOW");

    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await page.goto(`${stack.webUrl}/admin/users`);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Fault catalog" }).click();
    await page.getByLabel("Equipment", { exact: true }).selectOption(bagger.id);
    const row = page.getByTestId("fault-entry").and(page.locator('[data-code="BG-063"]'));
    await row.getByRole("button", { name: "Change BG-063" }).click();
    await row.getByLabel("Andon priority").selectOption("MEDIUM");
    await row.getByLabel("Suggested reason").selectOption(drive.id);
    await row.getByRole("button", { name: "Save fault" }).click();
    await row.getByTestId("fault-reason").getByText(drive.name).waitFor();
    await row.getByTestId("fault-andon").getByText("MEDIUM").waitFor();
    const after = await stack.db.prisma.faultCatalogEntry.findUniqueOrThrow({ where: { id: before.id } });
    expect(after).toMatchObject({
      suggestedReasonCodeId: drive.id,
      andonPriority: "MEDIUM",
      faultCode: "BG-063",
      text: before.text,
      category: before.category,
      andonType: before.andonType,
      active: true,
    });

    // A second entry on a bit that is already catalogued is refused in words, and nothing is added.
    const entriesBefore = await stack.db.prisma.faultCatalogEntry.count({ where: { equipmentId: bagger.id } });
    const newFault = page.getByRole("form", { name: "New fault" });
    await newFault.getByLabel("Fault bit (0–63)").fill("63");
    await newFault.getByLabel("Fault code").fill("BG-063B");
    await newFault.getByLabel("Fault text").fill("Battery low again");
    await newFault.getByRole("button", { name: "Add fault" }).click();
    await page.getByTestId("new-fault-refusal").waitFor();
    expect(await stack.db.prisma.faultCatalogEntry.count({ where: { equipmentId: bagger.id } })).toBe(entriesBefore);
    await screenshot(page, "admin-fault-catalog-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "admin-fault-catalog-768x1024");

    // Read-only for a viewer: the catalog shows, nothing on it changes anything, and no Admin entry.
    const { page: viewerPage } = await newPage(TABLET_PORTRAIT);
    await signIn(viewerPage, "viewer");
    expect(await viewerPage.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
    await viewerPage.goto(`${stack.webUrl}/admin/fault-catalog`);
    await viewerPage.getByLabel("Equipment", { exact: true }).selectOption(bagger.id);
    await viewerPage.getByTestId("fault-entry").and(viewerPage.locator('[data-code="BG-063"]')).waitFor();
    expect(await viewerPage.getByRole("button", { name: /Change|Switch|Add fault/ }).count()).toBe(0);
  });

  it("an administrator sees every service answering on the System screen with the consumer groups' lag, and an operator is refused it", async () => {
    const { page } = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "admin");
    await page.goto(`${stack.webUrl}/admin/users`);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "System" }).click();
    const service = (name: string) => page.getByTestId("system-service").and(page.locator(`[data-service="${name}"]`));
    // Each service's own /health, asked by the production subgraph through SERVICE_HEALTH_URLS.
    await service("gateway").locator('[data-status="OK"]').waitFor();
    await service("production-subgraph").locator('[data-status="OK"]').waitFor();
    const expected = [
      "gateway",
      "production-subgraph",
      "plc-bridge",
      ...stack.subgraphs.filter((s) => s !== "production").map((s) => `${s}-subgraph`),
    ];
    expect(
      (
        await page
          .getByTestId("system-service")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-service")))
      ).sort(),
    ).toEqual(expected.sort());
    expect(await page.locator('[data-testid="system-service"] [data-status="UNREACHABLE"]').count()).toBe(0);
    // The running consumers' groups are listed with how far behind they are.
    await page.getByTestId("system-stream-group").first().waitFor();
    expect(
      await page.getByTestId("system-streams").getByRole("cell", { name: "production", exact: true }).count(),
    ).toBeGreaterThan(0);
    await page
      .getByTestId("system-storage")
      .getByText(/PostgreSQL \d+/)
      .waitFor();
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshot(page, "admin-system-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "admin-system-768x1024");

    // Not for an operator: no link, a refusal on the screen, and the API answers FORBIDDEN with no data.
    const { page: operator } = await newPage(TABLET_PORTRAIT);
    await signIn(operator, "operator");
    await operator.goto(`${stack.webUrl}/admin/system`);
    await operator
      .getByText(/administrators and engineers/)
      .first()
      .waitFor();
    expect(await operator.getByTestId("system-service").count()).toBe(0);
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

  it("a manager splits a past stop in two and merges the halves back into one, each with a note for the audit trail", async () => {
    const fault = await faultWithReason(4);
    const original = await stack.db.prisma.downtimeEvent.findFirstOrThrow({
      where: { firstOutFaultCode: fault.code, supersededAt: null, endedAt: { not: null } },
    });
    const page = managerPage;
    await page.goto(`${stack.webUrl}/downtime`);
    await page.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    const row = page.locator(`[data-downtime-id="${original.id}"]`);
    await row.getByRole("button", { name: "Split…" }).click();
    await row.getByLabel("Why split").fill("A jam, then a film change");
    await row.getByRole("button", { name: "Split", exact: true }).click();
    await row.waitFor({ state: "detached" });

    const halves = await stack.db.prisma.downtimeEvent.findMany({
      where: {
        equipmentId: original.equipmentId,
        supersededAt: null,
        startedAt: { gte: original.startedAt },
        endedAt: { lte: original.endedAt! },
      },
      orderBy: { startedAt: "asc" },
    });
    expect(halves).toHaveLength(2);
    expect([halves[0]!.startedAt, halves[1]!.endedAt]).toEqual([original.startedAt, original.endedAt]);
    expect(
      (await stack.db.prisma.downtimeEvent.findUniqueOrThrow({ where: { id: original.id } })).supersededAt,
    ).not.toBeNull();
    for (const half of halves) await page.locator(`[data-downtime-id="${half.id}"]`).waitFor();
    await page.setViewportSize(TABLET_LANDSCAPE);
    await screenshot(page, "downtime-split-1280x800");

    for (const half of halves) await page.locator(`[data-downtime-id="${half.id}"]`).getByRole("checkbox").check();
    const merge = page.getByTestId("merge-stops");
    await merge.getByLabel("Why merge").fill("One jam after all");
    await screenshot(page, "downtime-merge-1280x800");
    await page.setViewportSize(TABLET_PORTRAIT);
    await screenshot(page, "downtime-merge-768x1024");
    await merge.getByRole("button", { name: "Merge into one stop" }).click();
    await page.locator(`[data-downtime-id="${halves[0]!.id}"]`).waitFor({ state: "detached" });

    const merged = await stack.db.prisma.downtimeEvent.findMany({
      where: {
        equipmentId: original.equipmentId,
        supersededAt: null,
        startedAt: { gte: original.startedAt },
        endedAt: { lte: original.endedAt! },
      },
    });
    expect(merged).toHaveLength(1);
    expect([merged[0]!.startedAt, merged[0]!.endedAt]).toEqual([original.startedAt, original.endedAt]);
    await page.locator(`[data-downtime-id="${merged[0]!.id}"]`).waitFor();
  });
});
