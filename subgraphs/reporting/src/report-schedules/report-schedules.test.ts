// Report schedules against real PostgreSQL and a real SMTP server: two instances make each fire time
// once; a restart catches up the fire times inside the window and records older ones SKIPPED; a
// 06:00 Europe/Berlin schedule fires at 06:00 local through the March change; the seeded schedule
// renders and mails its shift report as an attachment (parsed back), and falls back to an in-app
// notification with the link when SMTP is down; bad input is refused and changes nothing.
import { createSmtpEmailSender } from "@ms5/andon/notifications";
import { startTestSmtpServer, type TestSmtpServer } from "@ms5/andon/notifications/testing";
import type { PrismaClient } from "@ms5/db";
import { createLogger } from "@ms5/kit";
import { simpleParser } from "mailparser";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createReportingSubgraph, type ReportingSubgraph } from "../reporting-subgraph.ts";
import {
  openReportingTestPlant,
  type ReportingTestPlant,
  TEST_GATEWAY_SECRET,
} from "../testing/reporting-test-plant.ts";
import { scheduleCron } from "./schedule-cron.ts";

const HOUR = 3_600_000;
// A Wednesday in the demo site's zone (Africa/Johannesburg, UTC+2): the seeded schedule fires 14:15 local.
const START = new Date("2026-12-09T11:00:00Z");
const SEEDED_FIRE = new Date("2026-12-09T12:15:00Z");

const CREATE = `mutation ($input: CreateReportScheduleInput!) {
  createReportSchedule(input: $input) { id nextRunAt nextFireTimes } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateReportScheduleInput!) { updateReportSchedule(id: $id, input: $input) { id cron } }`;
const FIRE_TIMES = `query ($cron: String!, $timezone: String!, $after: DateTime) {
  reportCronFireTimes(cron: $cron, timezone: $timezone, after: $after) }`;

let clock = START;
let plant: ReportingTestPlant;
let second: ReportingSubgraph;
let prisma: PrismaClient;
let smtp: TestSmtpServer;
let manager: string;

const schedulerSettings = { catchUpWindowMs: 6 * HOUR, leaseMs: 60_000 };

async function createSchedule(input: Record<string, unknown>): Promise<string> {
  const response = await plant.call<{ createReportSchedule: { id: string } }>(manager, CREATE, {
    input: { templateKey: "shift-summary", recipients: ["ops@plant.test"], ...input },
  });
  expect(response.errors).toBeUndefined();
  const { id } = response.data!.createReportSchedule;
  // The API timed it from the machine's clock; the tests' clock is another, so time it from that.
  const schedule = await prisma.reportSchedule.findUniqueOrThrow({ where: { id } });
  await prisma.reportSchedule.update({
    where: { id },
    data: { nextRunAt: scheduleCron(schedule.cron, schedule.timezone).nextAfter(clock) },
  });
  return id;
}

async function stateOf(scheduleId: string) {
  const [schedule, runs] = await Promise.all([
    prisma.reportSchedule.findUniqueOrThrow({ where: { id: scheduleId } }),
    prisma.reportScheduleRun.findMany({ where: { scheduleId }, orderBy: { dueAt: "asc" } }),
  ]);
  return { schedule, runs };
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  plant = await openReportingTestPlant(inject("testRun"), START, {
    runner: false,
    scheduler: { clock: { now: () => clock }, settings: schedulerSettings, loop: false },
    email: createSmtpEmailSender({ host: "127.0.0.1", port: smtp.port, from: "MS5 reports <reports@plant.test>" }),
    instanceId: "instance-a",
  });
  prisma = plant.db.prisma;
  // The second instance: same database, its own name, no SMTP.
  second = await createReportingSubgraph({
    prisma,
    redis: plant.redis,
    logger: createLogger({ service: "reporting-test-b", level: "silent" }),
    verificationKeys: plant.keys,
    gatewaySecret: TEST_GATEWAY_SECRET,
    port: 0,
    production: false,
    reportDirectory: plant.reportDirectory,
    rollup: false,
    runner: false,
    scheduler: { clock: { now: () => clock }, settings: schedulerSettings, loop: false },
    instanceId: "instance-b",
  });
  manager = await plant.tokenOf("pmanager");
}, 120_000);

afterAll(async () => {
  await second?.close();
  await plant?.close();
  await smtp?.close();
});

beforeEach(async () => {
  clock = START;
  // Each test times only its own schedules (the seeded one included, in its own test).
  await prisma.reportSchedule.updateMany({ data: { active: false } });
});

describe("the seeded schedule", () => {
  it("works out of the box: at 14:15 local it queues the Morning shift's report, which is mailed as a PDF attachment", async () => {
    await prisma.reportSchedule.updateMany({
      where: { name: "Morning shift summary, all lines" },
      data: { active: true },
    });
    await plant.subgraph.scheduler.runPass();
    const seeded = await prisma.reportSchedule.findFirstOrThrow({
      where: { name: "Morning shift summary, all lines" },
    });
    expect(seeded.nextRunAt?.toISOString()).toBe(SEEDED_FIRE.toISOString());

    clock = new Date(SEEDED_FIRE.getTime() + 5_000);
    expect(await plant.subgraph.scheduler.runPass()).toEqual({ queued: 1, skipped: 0 });
    const { runs } = await stateOf(seeded.id);
    expect(runs).toHaveLength(1);
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id: runs[0]!.reportRunId! } });
    // The Morning shift: 06:00 to 14:00 local, 04:00Z to 12:00Z.
    expect(run.parameters).toMatchObject({ from: "2026-12-09T04:00:00.000Z", to: "2026-12-09T12:00:00.000Z" });

    expect(await plant.subgraph.runner.runQueued()).toBe(1);
    expect(await plant.subgraph.delivery.deliverFinished()).toBe(1);
    const mails = smtp.received.filter((m) => m.subject.includes("Morning shift summary"));
    expect(mails.flatMap((m) => m.to).sort()).toEqual([
      "grace.mokoena@riverside-mill.example",
      "thomas.becker@riverside-mill.example",
    ]);
    const parsed = await simpleParser(mails[0]!.raw);
    expect(parsed.attachments).toHaveLength(1);
    const attachment = parsed.attachments[0]!;
    expect(attachment.contentType).toBe("application/pdf");
    const stored = await prisma.reportRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(attachment.size).toBe(stored.fileSizeBytes);
    const parser = new PDFParse({ data: new Uint8Array(attachment.content) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain("Riverside Mill");

    const delivered = await prisma.reportScheduleRun.findUniqueOrThrow({ where: { id: runs[0]!.id } });
    expect(delivered.deliveryStatus).toBe("DELIVERED");
    // Delivered once: another pass sends nothing more.
    expect(await second.delivery.deliverFinished()).toBe(0);
    expect(smtp.received.filter((m) => m.subject.includes("Morning shift summary"))).toHaveLength(2);
  }, 120_000);
});

describe("two instances", () => {
  it("passing at the same moments make each due fire time exactly once", async () => {
    const id = await createSchedule({ name: "every quarter hour", cron: "*/15 * * * *", days: 1 });
    for (let step = 1; step <= 6; step++) {
      clock = new Date(START.getTime() + step * 15 * 60_000 + 1_000);
      await Promise.all([plant.subgraph.scheduler.runDue(), second.scheduler.runDue(), second.scheduler.runDue()]);
    }
    const { runs, schedule } = await stateOf(id);
    expect(runs.map((r) => r.dueAt.toISOString())).toEqual(
      Array.from({ length: 6 }, (_, i) => new Date(START.getTime() + (i + 1) * 15 * 60_000).toISOString()),
    );
    expect(runs.every((r) => r.outcome === "RUN" && r.reportRunId)).toBe(true);
    const reportRuns = await prisma.reportRun.count({ where: { scheduleRun: { scheduleId: id } } });
    expect(reportRuns).toBe(6);
    expect(schedule.nextRunAt!.getTime()).toBeGreaterThan(clock.getTime());
  });

  it("leave a schedule leased by a live instance alone, and take it over once the dead owner's lease ran out", async () => {
    const id = await createSchedule({ name: "hourly, leased", cron: "0 * * * *" });
    clock = new Date(START.getTime() + HOUR + 1_000);
    await prisma.reportSchedule.update({
      where: { id },
      data: { leaseOwner: "crashed-instance", leaseExpiresAt: new Date(clock.getTime() + 30_000) },
    });
    await second.scheduler.runDue();
    expect((await stateOf(id)).runs).toHaveLength(0);
    clock = new Date(clock.getTime() + 31_000);
    await second.scheduler.runDue();
    expect((await stateOf(id)).runs.map((r) => r.dueAt.toISOString())).toEqual([
      new Date(START.getTime() + HOUR).toISOString(),
    ]);
  });
});

describe("after every instance was down for ten hours", () => {
  it("a restarted instance runs the fire times inside the six-hour window and records the older ones SKIPPED", async () => {
    const id = await createSchedule({ name: "hourly, outage", cron: "0 * * * *" });
    clock = new Date(START.getTime() + 10 * HOUR + 60_000);
    const restarted = await createReportingSubgraph({
      prisma,
      redis: plant.redis,
      logger: createLogger({ service: "reporting-test-c", level: "silent" }),
      verificationKeys: plant.keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      port: 0,
      production: false,
      reportDirectory: plant.reportDirectory,
      rollup: false,
      runner: false,
      scheduler: { clock: { now: () => clock }, settings: schedulerSettings },
      instanceId: "instance-restarted",
    });
    try {
      await restarted.scheduler.stop();
      const { runs, schedule } = await stateOf(id);
      expect(runs).toHaveLength(10);
      const skipped = runs.filter((r) => r.outcome === "SKIPPED");
      // Due 12:00Z to 15:00Z: more than six hours before 21:01Z.
      expect(skipped.map((r) => r.dueAt.getUTCHours())).toEqual([12, 13, 14, 15]);
      expect(skipped.every((r) => r.deliveryStatus === "NONE" && /catch-up window/.test(r.note ?? ""))).toBe(true);
      expect(runs.filter((r) => r.outcome === "RUN").map((r) => r.dueAt.getUTCHours())).toEqual([
        16, 17, 18, 19, 20, 21,
      ]);
      expect(schedule.nextRunAt?.toISOString()).toBe("2026-12-09T22:00:00.000Z");
      // Nothing is made twice when the old instance comes back.
      expect(await plant.subgraph.scheduler.runDue()).toEqual({ queued: 0, skipped: 0 });
    } finally {
      await restarted.close();
    }
  });
});

describe("a 06:00 schedule in Europe/Berlin", () => {
  it("fires at 06:00 local on both sides of the March daylight-saving change", async () => {
    clock = new Date("2027-03-26T12:00:00Z");
    const id = await createSchedule({ name: "Berlin six o'clock", cron: "0 6 * * *", timezone: "Europe/Berlin" });
    for (const due of ["2027-03-27T05:00:00Z", "2027-03-28T04:00:00Z", "2027-03-29T04:00:00Z"]) {
      clock = new Date(new Date(due).getTime() + 1_000);
      await plant.subgraph.scheduler.runDue();
    }
    expect((await stateOf(id)).runs.map((r) => r.dueAt.toISOString())).toEqual([
      "2027-03-27T05:00:00.000Z",
      "2027-03-28T04:00:00.000Z",
      "2027-03-29T04:00:00.000Z",
    ]);
  });

  it("shows its next five fire times in the editor, at 06:00 local across the October change", async () => {
    const response = await plant.call<{ reportCronFireTimes: string[] }>(manager, FIRE_TIMES, {
      cron: "0 6 * * *",
      timezone: "Europe/Berlin",
      after: "2027-10-29T12:00:00Z",
    });
    expect(response.data?.reportCronFireTimes).toEqual([
      "2027-10-30T04:00:00.000Z",
      "2027-10-31T05:00:00.000Z",
      "2027-11-01T05:00:00.000Z",
      "2027-11-02T05:00:00.000Z",
      "2027-11-03T05:00:00.000Z",
    ]);
  });
});

describe("when SMTP is down", () => {
  it("each recipient's user is told in-app with the link to the run, and the failed e-mail is recorded", async () => {
    const offline = await createReportingSubgraph({
      prisma,
      redis: plant.redis,
      logger: createLogger({ service: "reporting-test-d", level: "silent" }),
      verificationKeys: plant.keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      port: 0,
      production: false,
      reportDirectory: plant.reportDirectory,
      rollup: false,
      runner: false,
      scheduler: { clock: { now: () => clock }, settings: schedulerSettings, loop: false },
      // Port 9 on loopback refuses the connection.
      email: createSmtpEmailSender({ host: "127.0.0.1", port: 9, from: "reports@plant.test", timeoutMs: 2_000 }),
      instanceId: "instance-offline",
    });
    try {
      const id = await createSchedule({
        name: "to the shift manager",
        cron: "0 * * * *",
        recipients: ["user:smanager"],
      });
      clock = new Date(START.getTime() + HOUR + 1_000);
      await plant.subgraph.scheduler.runDue();
      const [scheduleRun] = (await stateOf(id)).runs;
      await prisma.reportRun.update({
        where: { id: scheduleRun!.reportRunId! },
        data: { status: "FAILED", error: "the test stops it here", finishedAt: clock },
      });
      expect(await offline.delivery.deliverFinished()).toBe(1);
      const smanager = await prisma.user.findUniqueOrThrow({ where: { username: "smanager" } });
      const notification = await prisma.notification.findFirstOrThrow({
        where: { userId: smanager.id, dedupeKey: `report-schedule-run:${scheduleRun!.id}` },
      });
      expect(notification.channel).toBe("IN_APP");
      expect(notification.body).toContain(`/reports/runs/${scheduleRun!.reportRunId}`);
      const delivered = await prisma.reportScheduleRun.findUniqueOrThrow({ where: { id: scheduleRun!.id } });
      expect(delivered.delivery).toEqual([
        expect.objectContaining({ recipient: "user:smanager", channel: "IN_APP", userId: smanager.id }),
      ]);
    } finally {
      await offline.close();
    }
  });
});

describe("bad input to a schedule", () => {
  it.each([
    ["a minute of 61", { cron: "61 * * * *" }],
    ["six fields", { cron: "0 0 6 * * *" }],
    ["an unknown zone", { cron: "0 6 * * *", timezone: "Mars/Olympus" }],
    ["an unknown template", { cron: "0 6 * * *", templateKey: "no-such-report" }],
    ["a recipient without e-mail", { cron: "0 6 * * *", recipients: ["user:no-mail"] }],
    ["a recipient that is no address", { cron: "0 6 * * *", recipients: ["thomas at the mill"] }],
    ["an unknown line", { cron: "0 6 * * *", lineCodes: ["no-such-line"] }],
  ])("is refused with BAD_USER_INPUT and creates nothing: %s", async (_what, input) => {
    const unique = Math.random().toString(36).slice(2, 8);
    await prisma.user.upsert({
      where: { username: "no-mail" },
      create: {
        username: "no-mail",
        employeeId: `NM-${unique}`,
        firstName: "No",
        lastName: "Mail",
        email: null,
        roles: ["SHIFT_MANAGER"],
        passwordHash: "not-a-real-hash",
      },
      update: {},
    });
    const before = await prisma.reportSchedule.count();
    const response = await plant.call(manager, CREATE, {
      input: { templateKey: "shift-summary", name: `bad ${unique}`, recipients: ["ops@plant.test"], ...input },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma.reportSchedule.count()).toBe(before);
  });

  it("an update to `61 * * * *` is refused and leaves the schedule as it was", async () => {
    const id = await createSchedule({ name: "kept as it was", cron: "0 6 * * *" });
    const before = await prisma.reportSchedule.findUniqueOrThrow({ where: { id } });
    const response = await plant.call(manager, UPDATE, { id, input: { cron: "61 * * * *" } });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma.reportSchedule.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("from a user without report:schedule is refused with FORBIDDEN", async () => {
    const response = await plant.call(await plant.tokenOf("smanager"), CREATE, {
      input: { templateKey: "shift-summary", name: "not mine to make", cron: "0 6 * * *", recipients: ["a@b.test"] },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
