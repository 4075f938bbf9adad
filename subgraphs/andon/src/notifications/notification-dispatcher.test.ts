// The dispatcher against a real SMTP server, a real database and real Redis pub/sub.
import type { PrismaClient, User } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createSmtpEmailSender, type EmailSender } from "./email-sender.ts";
import { NotificationDispatcher } from "./notification-dispatcher.ts";
import { NotificationFeed } from "./notification-feed.ts";
import { setNotificationPreferences } from "./notification-preferences.ts";
import {
  insertTestUser,
  openTestDatabase,
  startTestSmtpServer,
  type TestSmtpServer,
} from "./notification-test-support.ts";

describe("NotificationDispatcher", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}notify:`;
  const logger = createLogger({ service: "andon-test", level: "silent" });
  const clock = new ManualClock(new Date("2026-11-27T08:00:00.000Z"));
  let db: TestDatabase;
  let prisma: PrismaClient;
  let redis: RedisClient;
  let smtp: TestSmtpServer;
  let email: EmailSender;
  let deadEmail: EmailSender;
  let manager: User;

  function dispatcherWith(sender: EmailSender | null) {
    return new NotificationDispatcher({ prisma, redis, logger, email: sender, keyPrefix, clock });
  }

  beforeAll(async () => {
    db = await openTestDatabase(run);
    prisma = db.prisma;
    redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    smtp = await startTestSmtpServer();
    email = createSmtpEmailSender({ host: "127.0.0.1", port: smtp.port, from: "andon@plant.test", timeoutMs: 5_000 });
    // Nothing listens there: the connection is refused, as when the plant's relay is down.
    deadEmail = createSmtpEmailSender({
      host: "127.0.0.1",
      port: await freePort(),
      from: "andon@plant.test",
      timeoutMs: 2_000,
    });
    manager = await insertTestUser(prisma);
  });
  afterAll(async () => {
    email?.close();
    deadEmail?.close();
    await smtp?.close();
    redis?.destroy();
    await db?.drop();
  });

  it("e-mails the recipient over SMTP with the subject and keeps an in-app copy published to their feed", async () => {
    const feedRedis = redis.duplicate();
    await feedRedis.connect();
    // Another instance's feed: the event crosses Redis, not process memory.
    const feed = new NotificationFeed({ redis: feedRedis, logger, keyPrefix });
    const events = await feed.events(manager.id);
    try {
      const outcome = await dispatcherWith(email).dispatchWithOutcome({
        recipientUserIds: [manager.id],
        channels: ["IN_APP", "EMAIL"],
        subject: "Andon on Bagging Line 1 not acknowledged",
        body: "Level 1: Bagger 1 jam, raised 5 minutes ago.",
        dedupeKey: "test:email-and-in-app",
        severity: "HIGH",
      });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.to).toEqual([manager.email]);
      expect(smtp.received[0]!.subject).toBe("Andon on Bagging Line 1 not acknowledged");
      expect(smtp.received[0]!.raw).toContain("Level 1: Bagger 1 jam");
      expect(outcome.created.map((row) => [row.channel, row.status]).sort()).toEqual([
        ["EMAIL", "SENT"],
        ["IN_APP", "SENT"],
      ]);
      const inApp = outcome.created.find((row) => row.channel === "IN_APP")!;
      const event = await events.next();
      expect(event.value).toEqual({ notificationId: inApp.id, userId: manager.id });
    } finally {
      await events.return?.();
      await feed.close();
      feedRedis.destroy();
    }
  });

  it("when the SMTP server is down, records the e-mail as FAILED with the error and falls back to the in-app inbox", async () => {
    const outcome = await dispatcherWith(deadEmail).dispatchWithOutcome({
      recipientUserIds: [manager.id],
      channels: ["EMAIL"],
      subject: "Critical andon on Loading Line 1",
      body: "Level 2",
      dedupeKey: "test:smtp-down",
      severity: "CRITICAL",
    });
    const rows = await prisma.notification.findMany({ where: { dedupeKey: "test:smtp-down" } });
    const failed = rows.find((row) => row.channel === "EMAIL")!;
    expect(failed.status).toBe("FAILED");
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    const fallback = rows.find((row) => row.channel === "IN_APP")!;
    expect(fallback).toMatchObject({
      status: "SENT",
      fallbackOfId: failed.id,
      title: "Critical andon on Loading Line 1",
    });
    expect(outcome.created).toHaveLength(2);
  });

  it("sends nothing twice when a dispatch is retried with the same dedupeKey", async () => {
    const input = {
      recipientUserIds: [manager.id],
      channels: ["IN_APP", "EMAIL"] as ("IN_APP" | "EMAIL")[],
      subject: "Reminder",
      body: "Still open",
      dedupeKey: "test:retried",
    };
    const before = smtp.received.length;
    await dispatcherWith(email).dispatch(input);
    const retry = await dispatcherWith(email).dispatchWithOutcome(input);
    expect(retry.created).toEqual([]);
    expect(smtp.received.length - before).toBe(1);
    expect(await prisma.notification.count({ where: { dedupeKey: "test:retried" } })).toBe(2);
  });

  it("also sends nothing twice when two dispatches of one key run at once", async () => {
    const input = {
      recipientUserIds: [manager.id],
      channels: ["EMAIL"] as "EMAIL"[],
      subject: "Concurrent",
      body: "Once",
      dedupeKey: "test:concurrent",
    };
    const before = smtp.received.length;
    await Promise.all([dispatcherWith(email).dispatch(input), dispatcherWith(email).dispatch(input)]);
    expect(smtp.received.length - before).toBe(1);
    expect(await prisma.notification.count({ where: { dedupeKey: "test:concurrent" } })).toBe(1);
  });

  it("a retry sends what a dispatch that died before sending left PENDING, but not a row another dispatch is still sending", async () => {
    const base = {
      userId: manager.id,
      channel: "EMAIL" as const,
      title: "Left behind",
      body: "",
      dedupeKey: "test:abandoned",
    };
    const abandoned = await prisma.notification.create({
      data: { ...base, createdAt: new Date(clock.now().getTime() - 5 * 60_000) },
    });
    const inFlight = await prisma.notification.create({
      data: { ...base, dedupeKey: "test:in-flight", createdAt: clock.now() },
    });
    const before = smtp.received.length;
    const input = { recipientUserIds: [manager.id], channels: ["EMAIL" as const], subject: "Left behind", body: "" };
    await dispatcherWith(email).dispatch({ ...input, dedupeKey: "test:abandoned" });
    await dispatcherWith(email).dispatch({ ...input, dedupeKey: "test:in-flight" });
    expect(smtp.received.length - before).toBe(1);
    expect(await prisma.notification.findUnique({ where: { id: abandoned.id } })).toMatchObject({
      status: "SENT",
      attempts: 2,
    });
    expect(await prisma.notification.findUnique({ where: { id: inFlight.id } })).toMatchObject({
      status: "PENDING",
      attempts: 0,
    });
    await dispatcherWith(email).dispatch({ ...input, dedupeKey: "test:abandoned" });
    expect(smtp.received.length - before).toBe(1);
  });

  it("puts every recipient's in-app notification in place before any e-mail goes out", async () => {
    const second = await insertTestUser(prisma);
    smtp.hold();
    try {
      const sending = dispatcherWith(email).dispatch({
        recipientUserIds: [manager.id, second.id],
        channels: ["EMAIL", "IN_APP"],
        subject: "Line down",
        body: "",
        dedupeKey: "test:in-app-first",
      });
      await vi.waitUntil(() => smtp.held > 0, { timeout: 10_000, interval: 20 });
      const inApp = await prisma.notification.findMany({
        where: { dedupeKey: "test:in-app-first", channel: "IN_APP" },
      });
      expect(inApp.map((row) => row.status)).toEqual(["SENT", "SENT"]);
      smtp.release();
      await sending;
    } finally {
      smtp.release();
    }
    const emails = await prisma.notification.findMany({ where: { dedupeKey: "test:in-app-first", channel: "EMAIL" } });
    expect(emails.map((row) => row.status)).toEqual(["SENT", "SENT"]);
  });

  it("follows the user's preferences: a channel switched off or set above the message's priority is not used", async () => {
    const picky = await insertTestUser(prisma);
    await setNotificationPreferences(prisma, picky.id, [
      { channel: "EMAIL", enabled: true, minPriority: "HIGH", rank: 0 },
      { channel: "SMS", enabled: false, minPriority: "LOW", rank: 1 },
      { channel: "IN_APP", enabled: true, minPriority: "LOW", rank: 2 },
    ]);
    const before = smtp.received.length;
    await dispatcherWith(email).dispatch({
      recipientUserIds: [picky.id],
      channels: ["EMAIL", "SMS", "IN_APP"],
      subject: "Medium",
      body: "",
      severity: "MEDIUM",
      dedupeKey: "test:prefs-medium",
    });
    expect(smtp.received.length).toBe(before);
    const medium = await prisma.notification.findMany({ where: { dedupeKey: "test:prefs-medium" } });
    expect(medium.map((row) => row.channel)).toEqual(["IN_APP"]);

    await dispatcherWith(email).dispatch({
      recipientUserIds: [picky.id],
      channels: ["EMAIL", "SMS"],
      subject: "High",
      body: "",
      severity: "HIGH",
      dedupeKey: "test:prefs-high",
    });
    expect(smtp.received.length).toBe(before + 1);
    expect(smtp.received.at(-1)!.to).toEqual([picky.email]);
    const high = await prisma.notification.findMany({ where: { dedupeKey: "test:prefs-high" } });
    expect(high.map((row) => row.channel)).toEqual(["EMAIL"]);
  });

  it("keeps a channel quiet in its quiet hours (local time, across midnight) except for CRITICAL messages", async () => {
    const sleeper = await insertTestUser(prisma);
    // 22:00-06:00 in Johannesburg (UTC+2); the clock stands at 08:00 UTC = 10:00 there.
    await setNotificationPreferences(prisma, sleeper.id, [
      {
        channel: "EMAIL",
        enabled: true,
        minPriority: "LOW",
        rank: 0,
        quietFrom: "22:00",
        quietTo: "06:00",
        timeZone: "Africa/Johannesburg",
      },
    ]);
    const send = (dedupeKey: string, severity: "HIGH" | "CRITICAL") =>
      dispatcherWith(email).dispatch({
        recipientUserIds: [sleeper.id],
        channels: ["EMAIL"],
        subject: dedupeKey,
        body: "",
        severity,
        dedupeKey,
      });
    const channelsOf = async (dedupeKey: string) =>
      (await prisma.notification.findMany({ where: { dedupeKey } })).map((row) => row.channel).sort();
    try {
      await send("test:quiet-day", "HIGH");
      clock.set(new Date("2026-11-27T23:30:00.000Z")); // 01:30 local
      await send("test:quiet-night", "HIGH");
      await send("test:quiet-critical", "CRITICAL");
    } finally {
      clock.set(new Date("2026-11-27T08:00:00.000Z"));
    }
    expect(await channelsOf("test:quiet-day")).toEqual(["EMAIL"]);
    expect(await channelsOf("test:quiet-night")).toEqual(["IN_APP"]);
    expect(await channelsOf("test:quiet-critical")).toEqual(["EMAIL"]);
  });

  it("refuses quiet hours that cannot be applied, changing nothing", async () => {
    const user = await insertTestUser(prisma);
    const email = (extra: object) => ({
      channel: "EMAIL" as const,
      enabled: true,
      minPriority: "LOW" as const,
      rank: 0,
      ...extra,
    });
    for (const [preference, field] of [
      [email({ quietFrom: "22:00" }), "quietTo"],
      [email({ quietFrom: "25:00", quietTo: "06:00" }), "quietFrom"],
      [email({ quietFrom: "06:00", quietTo: "06:00" }), "quietTo"],
      [email({ quietFrom: "22:00", quietTo: "06:00", timeZone: "Mars/Olympus" }), "timeZone"],
      [
        {
          channel: "IN_APP" as const,
          enabled: true,
          minPriority: "LOW" as const,
          rank: 0,
          quietFrom: "22:00",
          quietTo: "06:00",
        },
        "quietFrom",
      ],
    ] as const) {
      await expect(setNotificationPreferences(prisma, user.id, [preference])).rejects.toMatchObject({
        code: "BAD_USER_INPUT",
        field,
      });
    }
    expect(await prisma.notificationPreference.count({ where: { userId: user.id } })).toBe(0);
  });

  it("still puts the message in the inbox when the user switched off every channel asked for", async () => {
    const quiet = await insertTestUser(prisma);
    await setNotificationPreferences(prisma, quiet.id, [
      { channel: "EMAIL", enabled: false, minPriority: "LOW", rank: 0 },
    ]);
    await dispatcherWith(email).dispatch({
      recipientUserIds: [quiet.id],
      channels: ["EMAIL"],
      subject: "Escalated",
      body: "",
      dedupeKey: "test:all-off",
    });
    const rows = await prisma.notification.findMany({ where: { dedupeKey: "test:all-off" } });
    expect(rows.map((row) => [row.channel, row.status])).toEqual([["IN_APP", "SENT"]]);
  });

  it("falls back from SMS (no gateway) and from e-mail (no address) to the inbox, recording both failures", async () => {
    const noEmail = await insertTestUser(prisma, { email: null });
    await dispatcherWith(email).dispatch({
      recipientUserIds: [noEmail.id],
      channels: ["SMS"],
      subject: "Help",
      body: "",
      dedupeKey: "test:sms",
    });
    const rows = await prisma.notification.findMany({
      where: { dedupeKey: "test:sms" },
      orderBy: { createdAt: "asc" },
    });
    const byChannel = Object.fromEntries(rows.map((row) => [row.channel, row]));
    expect(byChannel.SMS).toMatchObject({ status: "FAILED", lastError: "no SMS gateway is configured" });
    expect(byChannel.EMAIL).toMatchObject({ status: "FAILED", lastError: "the user has no e-mail address" });
    expect(byChannel.EMAIL!.fallbackOfId).toBe(byChannel.SMS!.id);
    expect(byChannel.IN_APP).toMatchObject({ status: "SENT", fallbackOfId: byChannel.EMAIL!.id });
  });

  it("skips unknown and deactivated recipients and still notifies the others", async () => {
    const gone = await insertTestUser(prisma, { active: false });
    const unknown = "00000000-0000-4000-8000-000000000000";
    const outcome = await dispatcherWith(email).dispatchWithOutcome({
      recipientUserIds: [gone.id, unknown, manager.id],
      channels: ["IN_APP"],
      subject: "Line down",
      body: "",
      dedupeKey: "test:skips",
    });
    expect(outcome.skippedUserIds.sort()).toEqual([gone.id, unknown].sort());
    expect(outcome.created.map((row) => row.userId)).toEqual([manager.id]);
  });

  it("takes the andon's priority as the message's severity when none is given", async () => {
    const line = await insertLine(prisma);
    const andon = await prisma.andonEvent.create({ data: { lineId: line.id, type: "SAFETY", priority: "CRITICAL" } });
    await dispatcherWith(email).dispatch({
      recipientUserIds: [manager.id],
      channels: ["IN_APP"],
      subject: "Safety",
      body: "",
      andonEventId: andon.id,
      dedupeKey: "test:andon-severity",
    });
    const [row] = await prisma.notification.findMany({ where: { dedupeKey: "test:andon-severity" } });
    expect(row).toMatchObject({ severity: "CRITICAL", andonId: andon.id });
  });

  it("refuses bad input with BAD_USER_INPUT and writes nothing", async () => {
    const before = await prisma.notification.count();
    const base = {
      recipientUserIds: [manager.id],
      channels: ["IN_APP" as const],
      subject: "x",
      body: "",
      dedupeKey: "k",
    };
    for (const input of [
      { ...base, dedupeKey: " " },
      { ...base, channels: [] },
      { ...base, channels: ["PIGEON" as "SMS"] },
      { ...base, subject: "" },
      { ...base, subject: "x".repeat(301) },
      { ...base, body: "x".repeat(10_001) },
      { ...base, recipientUserIds: ["not-a-uuid"] },
    ]) {
      await expect(dispatcherWith(email).dispatch(input)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    }
    expect(await prisma.notification.count()).toBe(before);
  });
});

async function insertLine(prisma: PrismaClient) {
  const { insertTestLines } = await import("@ms5/kit/subgraph/testing");
  return (await insertTestLines(prisma)).bagging;
}
