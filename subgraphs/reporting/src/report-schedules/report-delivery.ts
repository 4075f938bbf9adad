// Delivers the finished run of a schedule's fire time: to every recipient address by e-mail with the
// PDF attached, through andon's SMTP sender (the plant's one e-mail channel); when e-mail is not
// configured or a send fails, the recipient's user (or, for an address no user has, the schedule's
// owner) gets an in-app notification with the link to the run instead, through andon's dispatcher
// (idempotent by its dedupe key). A failed or cancelled run is reported the same way, without a file.
// Deliveries are claimed with a lease like the schedules, so one instance sends each; the outcome per
// recipient is kept on the schedule run. A crash between a send and the commit sends that e-mail
// again when another instance takes the delivery over (at least once, never lost).
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { DispatchInput, EmailSender } from "@ms5/andon/notifications";
import type { PrismaClient } from "@ms5/db";
import { type Clock, type Logger, systemClock } from "@ms5/kit";
import { REPORT_SCHEDULER_DEFAULTS, type ReportSchedulerSettings } from "../reporting-defaults.ts";
import { resolveRecipients } from "./schedule-recipients.ts";

/** The part of andon's NotificationDispatcher delivery uses: in-app rows, once per dedupe key. */
export interface InAppNotifier {
  dispatch(input: DispatchInput): Promise<unknown>;
}

export interface DeliveryEntry {
  recipient: string;
  email: string | null;
  channel: "EMAIL" | "IN_APP";
  /** The user told in-app. */
  userId?: string;
  /** Why e-mail did not go (the in-app entry that replaced it says so). */
  error?: string;
}

export interface ReportDeliveryOptions {
  prisma: PrismaClient;
  logger: Logger;
  instanceId: string;
  /** Null when no SMTP server is configured: every recipient is told in-app. */
  email: EmailSender | null;
  notifier: InAppNotifier;
  reportDirectory: string;
  /** Delivery leases are read on it (the scheduler's clock). @default systemClock */
  clock?: Clock;
  settings?: Partial<ReportSchedulerSettings>;
}

export class ReportDelivery {
  readonly #options: ReportDeliveryOptions;
  readonly #settings: ReportSchedulerSettings;
  readonly #clock: Clock;

  constructor(options: ReportDeliveryOptions) {
    this.#options = options;
    this.#settings = { ...REPORT_SCHEDULER_DEFAULTS, ...options.settings };
    this.#clock = options.clock ?? systemClock;
  }

  /** Delivers every scheduled run that finished and is not delivered yet; returns how many. */
  async deliverFinished(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimed = await this.#claim();
      if (claimed.length === 0) return delivered;
      for (const { id } of claimed) {
        try {
          if (await this.deliver(id)) delivered++;
        } catch (error) {
          // The lease runs out and the next pass (here or elsewhere) tries again.
          this.#options.logger.error({ err: error, scheduleRunId: id }, "scheduled report could not be delivered");
        }
      }
    }
  }

  async #claim(): Promise<{ id: string }[]> {
    const now = this.#clock.now();
    const leaseUntil = new Date(now.getTime() + this.#settings.leaseMs);
    return this.#options.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "report_schedule_run" SET "deliveryLeaseOwner" = ${this.#options.instanceId},
        "deliveryLeaseExpiresAt" = ${leaseUntil}
      WHERE "id" IN (
        SELECT sr."id" FROM "report_schedule_run" sr JOIN "report_run" r ON r."id" = sr."reportRunId"
        WHERE sr."deliveryStatus" = 'PENDING' AND r."status" IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
          AND (sr."deliveryLeaseExpiresAt" IS NULL OR sr."deliveryLeaseExpiresAt" <= ${now})
        ORDER BY sr."dueAt"
        LIMIT ${this.#settings.claimBatchSize}
        FOR UPDATE OF sr SKIP LOCKED)
      RETURNING "id"::text AS "id"`;
  }

  /** Sends one claimed delivery and records it; false when the lease was lost meanwhile. */
  async deliver(scheduleRunId: string): Promise<boolean> {
    const { prisma, logger, email } = this.#options;
    const scheduleRun = await prisma.reportScheduleRun.findUniqueOrThrow({
      where: { id: scheduleRunId },
      include: { schedule: { include: { template: true } }, reportRun: true },
    });
    const run = scheduleRun.reportRun!;
    const { schedule } = scheduleRun;
    const site = await prisma.site.findFirst({ where: { active: true }, orderBy: { createdAt: "asc" } });
    const dueLocal = new Intl.DateTimeFormat("en-GB", {
      timeZone: schedule.timezone,
      dateStyle: "medium",
      timeStyle: "short",
    }).format(scheduleRun.dueAt);
    const link = `${this.#settings.runLinkBase}${run.id}`;
    const succeeded = run.status === "SUCCEEDED" && run.fileKey;
    const subject = `${schedule.template.name}: ${schedule.name} (${dueLocal}${site ? `, ${site.name}` : ""})`;
    const text = succeeded
      ? `The scheduled report "${schedule.name}" is attached.\n\nIt is also in MS5 Floor: ${link}\n`
      : `The scheduled report "${schedule.name}" could not be made: ${run.status === "FAILED" ? (run.error ?? "failed") : "the run was cancelled"}.\n\nDetails: ${link}\n`;
    const attachments = succeeded
      ? [
          {
            filename: `${schedule.template.key}-${scheduleRun.dueAt.toISOString().slice(0, 10)}.pdf`,
            content: await readFile(path.join(this.#options.reportDirectory, run.fileKey!)),
            contentType: "application/pdf",
          },
        ]
      : [];

    const entries: DeliveryEntry[] = [];
    const inApp = new Set<string>();
    for (const recipient of await resolveRecipients(prisma, schedule.recipients)) {
      let error = "no SMTP server is configured";
      if (email) {
        try {
          await email.send({ to: recipient.email, subject, text, attachments });
          entries.push({ recipient: recipient.recipient, email: recipient.email, channel: "EMAIL" });
          continue;
        } catch (sendError) {
          error = sendError instanceof Error ? sendError.message : String(sendError);
          logger.warn({ err: sendError, scheduleRunId, to: recipient.email }, "report e-mail failed; telling in-app");
        }
      }
      const userId = recipient.userId ?? schedule.createdById;
      if (userId) inApp.add(userId);
      entries.push({
        recipient: recipient.recipient,
        email: recipient.email,
        channel: "IN_APP",
        ...(userId ? { userId } : {}),
        error,
      });
    }
    if (inApp.size > 0) {
      await this.#options.notifier.dispatch({
        recipientUserIds: [...inApp],
        channels: ["IN_APP"],
        subject,
        body: `${succeeded ? "The report is ready" : "The report could not be made"}: ${link}`,
        dedupeKey: `report-schedule-run:${scheduleRun.id}`,
      });
    }
    const recorded = await prisma.reportScheduleRun.updateMany({
      where: { id: scheduleRunId, deliveryLeaseOwner: this.#options.instanceId, deliveryStatus: "PENDING" },
      data: {
        deliveryStatus: "DELIVERED",
        deliveredAt: this.#clock.now(),
        delivery: entries as never,
        deliveryLeaseOwner: null,
        deliveryLeaseExpiresAt: null,
      },
    });
    return recorded.count === 1;
  }
}
