// Whole workflows of a shift in a real browser against the real plant: a new account's forced
// password change at sign-in, a temporary PIN replaced at the tablet, the profile (password,
// notification settings), the forgot-password page, and an andon taken from raise to close with a
// photo; every screen passes axe-core and keeps 44 px touch targets.
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

async function signIn(page: Page, username: string) {
  await page.goto(`${stack.webUrl}/sign-in`);
  await page.getByLabel("Username or employee id").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByTestId("who").waitFor();
}

/** Both screenshot sizes of the page as it is. */
async function screenshotsOf(page: Page, name: string) {
  await page.setViewportSize(TABLET_PORTRAIT);
  await screenshot(page, `${name}-768x1024`);
  await page.setViewportSize(TABLET_LANDSCAPE);
  await screenshot(page, `${name}-1280x800`);
}

describe("a shift's workflows in a browser against the running plant", () => {
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
      await preferences.getByLabel("From", { exact: true }).fill("22:00");
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
      await expect.poll(() => preferences.getByLabel("From", { exact: true }).inputValue()).toBe("22:00");
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

  it("an operator's open My jobs shows a job a manager assigns, and its cancellation, without a reload", async () => {
    const operator = await newPage(TABLET_PORTRAIT);
    await signIn(operator, "operator");
    await operator.goto(`${stack.webUrl}/jobs`);
    await operator.getByRole("heading", { name: "My jobs" }).waitFor();
    const navigations: string[] = [];
    operator.on("framenavigated", (frame) => {
      if (frame === operator.mainFrame()) navigations.push(frame.url());
    });

    const manager = await newPage(TABLET_LANDSCAPE);
    await signIn(manager, "pmanager");
    await manager.goto(`${stack.webUrl}/assign`);
    await manager.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    await manager.getByLabel("Equipment").getByRole("option", { name: "Bagger 1" }).waitFor({ state: "attached" });
    await manager.getByLabel("Job", { exact: true }).fill("Live job, order 5150");
    await manager.getByLabel("Operator").selectOption({ label: "Sipho Dlamini (E1005)" });
    await manager.getByLabel("Equipment").selectOption({ label: "Bagger 1" });
    await manager.getByLabel("Planned quantity").fill("300");
    await manager.getByRole("button", { name: "Assign job" }).click();
    await manager.getByTestId("assign-outcome").getByText("Assigned to Sipho Dlamini.").waitFor();

    const card = operator.getByTestId("job").filter({ hasText: "order 5150" });
    await card.waitFor();
    expect(await card.getAttribute("data-job-status")).toBe("ASSIGNED");
    expect(await screenChecks(operator)).toEqual({ axe: [], smallTargets: [] });

    const row = manager.getByTestId("line-job").filter({ hasText: "order 5150" });
    await row.getByRole("button", { name: "Cancel…" }).click();
    await row.getByLabel("Why cancel").fill("Order withdrawn by the customer");
    await row.getByRole("button", { name: "Cancel job" }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect(navigations).toEqual([]);
  });

  it("the line dashboard's production by hour has a slot for every hour of the shift on duty with that hour's target, however few hours have data", async () => {
    const prisma = stack.db.prisma;
    const line = await prisma.line.findFirstOrThrow({ where: { name: "Bagging Line 1" } });
    const now = new Date();
    const shift = await prisma.shiftInstance.findFirstOrThrow({
      where: { startsAt: { lte: now }, endsAt: { gt: now } },
    });
    const targets = await prisma.productionTarget.findMany({
      where: { lineId: line.id, granularity: "HOUR", periodStart: { gte: shift.startsAt, lt: shift.endsAt } },
    });
    const hour = 3_600_000;
    const expected: string[] = [];
    for (
      let start = Math.floor(shift.startsAt.getTime() / hour) * hour;
      start < shift.endsAt.getTime();
      start += hour
    ) {
      const target = targets.find(
        (item) => item.periodStart.getTime() >= start && item.periodStart.getTime() < start + hour,
      );
      expected.push(target ? String(target.targetQuantity) : "");
    }
    expect(expected.some((value) => value !== "")).toBe(true);

    const page = await newPage(TABLET_LANDSCAPE);
    await signIn(page, "operator");
    await page.goto(`${stack.webUrl}/lines/${line.id}`);
    const slots = page.getByTestId("hour-slot");
    await expect
      .poll(() => slots.evaluateAll((items) => items.map((item) => item.getAttribute("data-target"))))
      .toEqual(expected);
    // A young plant has an hour or two of data: its bars stay one hour wide, not the chart's width.
    const widths = await slots.evaluateAll((items) => items.map((item) => item.getBoundingClientRect().width));
    const chart = (await page.getByTestId("hourly-bars").boundingBox())!.width;
    expect(Math.max(...widths)).toBeLessThan(chart / (expected.length - 1));
    expect(await page.locator('[data-testid="hour-slot"] .target').count()).toBe(
      expected.filter((value) => value !== "").length,
    );
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "line-dashboard-production-by-hour");
  });

  it("a shift manager opens a work order and gives it to a technician, who works its tasks, logs time, records parts with their cost and completes it; Bagger 1's MTBF/MTTR count the repair", async () => {
    const prisma = stack.db.prisma;
    const manager = await newPage(TABLET_LANDSCAPE);
    await signIn(manager, "smanager");
    await manager.getByRole("link", { name: "New work order" }).click();
    const form = manager.getByTestId("new-work-order");
    await form.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    await form.getByLabel("Equipment").getByRole("option", { name: "Bagger 1" }).waitFor({ state: "attached" });
    await form.getByLabel("Equipment").selectOption({ label: "Bagger 1" });
    await form.getByLabel("Priority").selectOption("HIGH");
    await form.getByLabel("Title").fill("Sealing jaw heater fails");
    await form.getByLabel("Tasks, one a line (optional)").fill("Check heater element\nReplace thermocouple");
    await form.getByLabel("Technician (optional)").selectOption({ label: "Maria Santos (E1006)" });
    expect(await screenChecks(manager)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(manager, "maintenance-new-work-order");
    await form.getByRole("button", { name: "Create work order" }).click();
    await manager.getByTestId("mwo-detail").waitFor();
    const order = await prisma.maintenanceWorkOrder.findFirstOrThrow({ where: { title: "Sealing jaw heater fails" } });
    const technicianUser = await prisma.user.findUniqueOrThrow({ where: { username: "technician" } });
    expect(order).toMatchObject({
      status: "ASSIGNED",
      assigneeId: technicianUser.id,
      priority: "HIGH",
      type: "CORRECTIVE",
    });

    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "technician");
    await page.goto(`${stack.webUrl}/maintenance`);
    await page
      .getByTestId("maintenance-order")
      .filter({ hasText: "Sealing jaw heater fails" })
      .getByRole("link")
      .click();
    const detail = page.getByTestId("mwo-detail");
    await detail.waitFor();
    await expect.poll(() => page.getByTestId("mwo-assignee").textContent()).toBe("You");
    // Assigning is a manager's (maintenance:manage): the technician's screen has no such control.
    expect(await page.getByTestId("mwo-assign").count()).toBe(0);
    await page.getByTestId("mwo-steps").getByRole("button", { name: "Start" }).click();
    await expect.poll(() => detail.getAttribute("data-status")).toBe("IN_PROGRESS");

    const task = (text: string) => page.getByTestId("mwo-task").filter({ hasText: text });
    await task("Check heater element")
      .getByLabel(/^Minutes on/)
      .fill("20");
    await task("Check heater element").getByRole("button", { name: "Done" }).click();
    await expect.poll(() => task("Check heater element").getAttribute("data-task-status")).toBe("DONE");
    await task("Replace thermocouple")
      .getByLabel(/^Minutes on/)
      .fill("15");
    await task("Replace thermocouple").getByRole("button", { name: "Log time" }).click();
    await expect.poll(() => page.getByTestId("mwo-minutes").textContent()).toBe("35 min");
    // A bad number is refused on the spot and logs nothing.
    await task("Replace thermocouple")
      .getByLabel(/^Minutes on/)
      .fill("-4");
    await task("Replace thermocouple").getByRole("button", { name: "Log time" }).click();
    await task("Replace thermocouple").getByText("Enter whole minutes, 0 or more.").waitFor();
    await task("Replace thermocouple")
      .getByLabel(/^Minutes on/)
      .fill("");
    await task("Replace thermocouple").getByRole("button", { name: "Done" }).click();
    await expect.poll(() => task("Replace thermocouple").getAttribute("data-task-status")).toBe("DONE");
    await page.getByTestId("mwo-add-task").getByLabel("New task").fill("Test seal on ten bags");
    await page.getByTestId("mwo-add-task").getByRole("button", { name: "Add task" }).click();
    await task("Test seal on ten bags")
      .getByLabel(/^Minutes on/)
      .fill("5");
    await task("Test seal on ten bags").getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByTestId("mwo-minutes").textContent()).toBe("40 min");

    const parts = page.getByTestId("mwo-record-part");
    for (const [number, quantity, cost] of [
      ["TC-K-100", "1", "42.50"],
      ["FUSE-2A", "2", "1.25"],
    ] as const) {
      await parts.getByLabel("Part number").fill(number);
      await parts.getByLabel("Quantity").fill(quantity);
      await parts.getByLabel("Unit cost (optional)").fill(cost);
      await parts.getByRole("button", { name: "Record part" }).click();
      await page.getByTestId("mwo-part").filter({ hasText: number }).waitFor();
    }
    await expect.poll(() => page.getByTestId("mwo-parts-cost").textContent()).toMatch(/^45[.,]00$/);
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "maintenance-work-order");

    await page.getByLabel("Hold reason or failure cause").fill("Thermocouple wire broken at the jaw");
    await page.getByTestId("mwo-steps").getByRole("button", { name: "Complete" }).click();
    await expect.poll(() => detail.getAttribute("data-status")).toBe("COMPLETED");
    const done = await prisma.maintenanceWorkOrder.findUniqueOrThrow({
      where: { id: order.id },
      include: { tasks: true, parts: true },
    });
    expect(done.failureCause).toBe("Thermocouple wire broken at the jaw");
    expect(done.tasks.map((item) => [item.description, item.status, item.minutesSpent]).sort()).toEqual([
      ["Check heater element", "DONE", 20],
      ["Replace thermocouple", "DONE", 15],
      ["Test seal on ten bags", "DONE", 5],
    ]);
    expect(done.parts.map((item) => [item.partNumber, item.quantity, Number(item.unitCost)]).sort()).toEqual([
      ["FUSE-2A", 2, 1.25],
      ["TC-K-100", 1, 42.5],
    ]);

    await page.goto(`${stack.webUrl}/maintenance/reliability`);
    await page.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    const bagger = page.getByTestId("reliability-row").and(page.locator('[data-equipment="Bagger 1"]'));
    await expect.poll(async () => Number(await bagger.getAttribute("data-repairs"))).toBeGreaterThanOrEqual(1);
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "maintenance-reliability");
  });

  it("an operator enters a palletiser stop by hand, is refused one overlapping it, and ends a stop still going on; the stops count in the palletiser's OEE", async () => {
    const prisma = stack.db.prisma;
    const palletiser = await prisma.equipment.findUniqueOrThrow({ where: { code: "PAL-1" } });
    const minute = 60_000;
    // datetime-local takes the tablet's own clock; the browser runs in this machine's time zone.
    const local = (at: number) => {
      const date = new Date(at);
      const two = (value: number) => String(value).padStart(2, "0");
      return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
    };
    const base = Math.floor(Date.now() / minute) * minute;

    const page = await newPage(TABLET_PORTRAIT);
    await signIn(page, "operator");
    await page.getByRole("link", { name: "Enter a stop" }).click();
    await page.getByLabel("Line", { exact: true }).selectOption({ label: "Bagging Line 1" });
    const form = page.getByTestId("manual-stop-form");
    await form.getByLabel("Machine").getByRole("option", { name: "Palletiser 1" }).waitFor({ state: "attached" });
    // Bagger 1 is read from its PLC: it is not offered.
    expect(await form.getByLabel("Machine").getByRole("option", { name: "Bagger 1" }).count()).toBe(0);
    const enter = async (from: number, to: number | null) => {
      await form.getByLabel("Machine").selectOption({ label: "Palletiser 1" });
      await form.getByLabel("Stopped at").fill(local(from));
      await form.getByLabel("Ran again at (empty while stopped)").fill(to === null ? "" : local(to));
      await form.getByLabel("Reason").selectOption({ label: "Unplanned stop › Mechanical › Gripper fault" });
      await form.getByRole("button", { name: "Record stop" }).click();
    };
    await enter(base - 50 * minute, base - 38 * minute);
    await form.getByTestId("manual-stop-saved").waitFor();
    const stops = page.getByTestId("manual-stop");
    await expect.poll(() => stops.count()).toBe(1);

    await enter(base - 45 * minute, base - 40 * minute);
    await expect.poll(() => form.getByTestId("manual-stop-refusal").textContent()).toMatch(/overlaps/);
    expect(await prisma.downtimeEvent.count({ where: { equipmentId: palletiser.id } })).toBe(1);
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "manual-stops");

    await enter(base - 5 * minute, null);
    await expect.poll(() => page.locator('[data-testid="manual-stop"][data-open="true"]').count()).toBe(1);
    await page.getByRole("button", { name: /^Ended now/ }).click();
    await expect.poll(() => page.locator('[data-testid="manual-stop"][data-open="true"]').count()).toBe(0);
    const stored = await prisma.downtimeEvent.findMany({
      where: { equipmentId: palletiser.id },
      orderBy: { startedAt: "asc" },
    });
    expect(stored.map((stop) => [stop.source, stop.endedAt !== null])).toEqual([
      ["OPERATOR", true],
      ["OPERATOR", true],
    ]);
    // The 12-minute stop is a breakdown in the palletiser's hourly OEE, recomputed when it was entered.
    const hours = await prisma.oeeRecord.findMany({
      where: { equipmentId: palletiser.id, bucket: "HOUR", bucketStart: { gte: new Date(base - 2 * 60 * minute) } },
    });
    expect(hours.reduce((sum, hour) => sum + (hour.breakdownSeconds ?? 0), 0)).toBeGreaterThanOrEqual(12 * 60);
  });

  it("a technician raises an andon, the production manager escalates it by hand, the shift manager's bell counts it live and the inbox marks it read; the technician takes it, attaches a camera photo, resolves it with a root cause, closes and reopens it, and its history has every step", async () => {
    if (!withAndon) return;
    const page = await newPage(TABLET_PORTRAIT);
    await page.goto(`${stack.webUrl}/sign-in`);
    await page.getByLabel("Username or employee id").fill("technician");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByTestId("who").waitFor();
    await page.goto(`${stack.webUrl}/andon`);
    await page.getByLabel("Line", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Maintenance" }).click();
    await page.getByLabel("Note").fill("Sealing jaw sticks");
    await page.getByRole("button", { name: "Raise maintenance andon" }).click();
    const card = page.getByTestId("andon").filter({ hasText: "Sealing jaw sticks" });
    await card.getByRole("link", { name: /^Open the maintenance andon/ }).click();
    const detail = page.getByTestId("andon-detail");
    await detail.waitFor();
    const andon = await stack.db.prisma.andonEvent.findFirstOrThrow({ where: { note: "Sealing jaw sticks" } });
    const statusOf = async () =>
      (await stack.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andon.id } })).status;

    // The shift manager hears of a level-1 escalation: the bell's count rises live, without a reload.
    const manager = await newPage(TABLET_LANDSCAPE);
    await manager.goto(`${stack.webUrl}/sign-in`);
    await manager.getByLabel("Username or employee id").fill("smanager");
    await manager.getByLabel("Password").fill(DEMO_PASSWORD);
    await manager.getByRole("button", { name: "Sign in", exact: true }).click();
    await manager.getByTestId("who").waitFor();
    await manager.goto(`${stack.webUrl}/alerts`);
    await manager.getByTestId("production-alerts").waitFor();
    expect(await screenChecks(manager)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(manager, "production-alerts");
    const bell = manager.getByTestId("notification-bell");
    await bell.waitFor();
    const unreadBefore = Number(await bell.getAttribute("data-unread"));

    // Escalating by hand is a manager's (escalation:trigger): a technician's screen has no such control.
    expect(await page.getByTestId("andon-escalate").count()).toBe(0);
    const productionManager = await newPage(TABLET_LANDSCAPE);
    await productionManager.goto(`${stack.webUrl}/sign-in`);
    await productionManager.getByLabel("Username or employee id").fill("pmanager");
    await productionManager.getByLabel("Password").fill(DEMO_PASSWORD);
    await productionManager.getByRole("button", { name: "Sign in", exact: true }).click();
    await productionManager.getByTestId("who").waitFor();
    await productionManager.goto(`${stack.webUrl}/andon/${andon.id}`);
    const escalate = productionManager.getByTestId("andon-escalate");
    await escalate.getByLabel("Level of the rule").fill("1");
    await escalate.getByLabel("Why escalate").fill("Line stopped, nobody answering");
    await escalate.getByRole("button", { name: "Escalate" }).click();
    await expect.poll(() => productionManager.getByTestId("andon-detail-escalation").textContent()).toMatch(/level 1/);
    await expect.poll(async () => Number(await bell.getAttribute("data-unread"))).toBeGreaterThan(unreadBefore);
    await bell.click();
    const heard = manager.getByTestId("notification").and(manager.locator('[data-read="false"]')).first();
    await heard.waitFor();
    expect(await screenChecks(manager)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(manager, "notifications");
    const unreadNow = Number(await bell.getAttribute("data-unread"));
    await heard.getByRole("button", { name: /^Mark read/ }).click();
    // The bell drops without a reload: the mark-read's result invalidates the count in urql's cache.
    await expect.poll(async () => Number(await bell.getAttribute("data-unread"))).toBe(unreadNow - 1);
    const smanager = await stack.db.prisma.user.findUniqueOrThrow({ where: { username: "smanager" } });
    await expect
      .poll(() =>
        stack.db.prisma.notification.count({
          where: { userId: smanager.id, andonId: andon.id, channel: "IN_APP", readAt: { not: null } },
        }),
      )
      .toBeGreaterThanOrEqual(1);

    await page.getByTestId("andon-acknowledge").getByRole("button", { name: "Acknowledge" }).click();
    await expect.poll(statusOf).toBe("ACKNOWLEDGED");
    await page.getByTestId("andon-start").getByRole("button", { name: "Start work" }).click();
    await expect.poll(statusOf).toBe("IN_PROGRESS");
    await expect.poll(() => detail.getAttribute("data-andon-status")).toBe("IN_PROGRESS");

    // A tablet camera's photo, far above the limit: made in the browser (a 2400×1800 PNG), then
    // downscaled there to a JPEG within 192 KiB before it is sent.
    const bigPhoto = (await page.evaluate(`(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 2400; canvas.height = 1800;
      const context = canvas.getContext("2d");
      const gradient = context.createLinearGradient(0, 0, 2400, 1800);
      gradient.addColorStop(0, "#445566"); gradient.addColorStop(1, "#ccbb99");
      context.fillStyle = gradient; context.fillRect(0, 0, 2400, 1800);
      for (let i = 0; i < 4000; i++) {
        context.fillStyle = "hsl(" + (i * 37) % 360 + ", 60%, 50%)";
        context.fillRect((i * 7919) % 2400, (i * 104729) % 1800, 12, 12);
      }
      return canvas.toDataURL("image/png").split(",")[1];
    })()`)) as string;
    const original = Buffer.from(bigPhoto, "base64");
    expect(original.length).toBeGreaterThan(192 * 1024);
    await page.setInputFiles("#andon-photo-input", { name: "jaw.png", mimeType: "image/png", buffer: original });
    await expect.poll(() => page.getByTestId("andon-photo-message").textContent()).toMatch(/^Photo attached/);
    const attachments = await stack.db.prisma.andonAttachment.findMany({ where: { andonId: andon.id } });
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.sizeBytes).toBeLessThanOrEqual(192 * 1024);
    await expect.poll(() => page.getByTestId("andon-photo").count()).toBe(1);

    const resolve = page.getByTestId("andon-resolve");
    await resolve.getByLabel("Root cause").fill("Worn sealing jaw spring");
    await resolve.getByLabel("What was done (optional)").fill("Spring replaced");
    await resolve.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(statusOf).toBe("RESOLVED");
    expect((await stack.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andon.id } })).rootCause).toBe(
      "Worn sealing jaw spring",
    );
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "andon-detail-resolved");

    await page.getByTestId("andon-close").getByRole("button", { name: "Close" }).click();
    await expect.poll(statusOf).toBe("CLOSED");
    // The close form leaves the screen once the page knows: the reopen form moves up then, and a click
    // aimed before the move would miss it.
    await expect.poll(() => detail.getAttribute("data-andon-status")).toBe("CLOSED");
    await page.getByTestId("andon-close").waitFor({ state: "detached" });
    const reopen = page.getByTestId("andon-reopen");
    await reopen.getByLabel("Why reopen").fill("Jaw sticks again after 10 minutes");
    await reopen.getByRole("button", { name: "Reopen" }).click();
    await expect.poll(statusOf).toBe("OPEN");

    const steps = page.getByTestId("andon-history-entry");
    await expect
      .poll(async () =>
        (await steps.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-to-status")))).sort(),
      )
      .toEqual(expect.arrayContaining(["ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED", "OPEN"]));
    expect(await screenChecks(page)).toEqual({ axe: [], smallTargets: [] });
    await screenshotsOf(page, "andon-detail");
  });
});
