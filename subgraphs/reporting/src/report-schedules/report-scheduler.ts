// Makes each due fire time of every active schedule exactly once, across instances and restarts.
// The kit's durable timers, as andon's escalations use them: the schedule row is the timer (`nextRunAt`);
// an instance claims due rows with one UPDATE over a `FOR UPDATE SKIP LOCKED` subselect that writes
// its name and a lease expiry, and commits the fire times it made only while its lease still holds
// and `nextRunAt` is still the one it claimed. Underneath, report_schedule_run is unique per
// (schedule, due time): even a lease that ran out mid-pass cannot make a fire time twice.
// A fire time missed while every instance was down runs late when it is inside the catch-up window,
// and is recorded SKIPPED with the reason when it is older. The finished runs are then delivered
// (report-delivery.ts).
import type { PrismaClient } from "@ms5/db";
import { type Clock, DurableTimerScheduler, type Logger, systemClock } from "@ms5/kit";
import { checkedReportRequest } from "../report-runs/report-parameters.ts";
import { REPORT_SCHEDULER_DEFAULTS, type ReportSchedulerSettings } from "../reporting-defaults.ts";
import type { ReportDelivery } from "./report-delivery.ts";
import { scheduleCron } from "./schedule-cron.ts";
import { scheduledReportRequest } from "./scheduled-report-request.ts";

export interface ReportSchedulerOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Unique per instance: written into the rows it claims. */
  instanceId: string;
  delivery: ReportDelivery;
  /**
   * Due times and leases are read on it: the database's clock in a running subgraph (so instances
   * with skewed clocks agree), a ManualClock in tests. @default systemClock
   */
  clock?: Clock;
  settings?: Partial<ReportSchedulerSettings>;
  /** Told when runs were queued (the report runner wakes). */
  onQueued?: () => void;
}

interface ClaimedSchedule {
  id: string;
  nextRunAt: Date;
}

export interface SchedulePassOutcome {
  queued: number;
  skipped: number;
}

interface FirePlan {
  dueAt: Date;
  run: { templateId: string; parameters: Record<string, unknown> } | null;
  note: string | null;
}

export class ReportScheduler {
  readonly #options: ReportSchedulerOptions;
  readonly #settings: ReportSchedulerSettings;
  readonly #clock: Clock;
  /** The kit's durable timers over the schedule rows: the claim, the lease and the loop. */
  readonly #timers: DurableTimerScheduler<ClaimedSchedule>;

  constructor(options: ReportSchedulerOptions) {
    this.#options = options;
    this.#settings = { ...REPORT_SCHEDULER_DEFAULTS, ...options.settings };
    this.#clock = options.clock ?? systemClock;
    this.#timers = new DurableTimerScheduler<ClaimedSchedule>({
      prisma: options.prisma,
      logger: options.logger,
      name: "report schedule",
      instanceId: options.instanceId,
      clock: this.#clock,
      timers: {
        table: "report_schedule",
        dueColumn: "nextRunAt",
        liveWhen: `"active"`,
        returning: `"id"::text AS "id", "nextRunAt"`,
      },
      settings: this.#settings,
      pass: () => this.runPass(),
    });
  }

  get settings(): Readonly<ReportSchedulerSettings> {
    return this.#settings;
  }

  /** Starts the loop: a first pass at once (fire times that fell due while down are made now). */
  start(): void {
    this.#timers.start();
  }

  stop(): Promise<void> {
    return this.#timers.stop();
  }

  /** Ends the current sleep: a schedule changed, or a scheduled run finished and waits for delivery. */
  wake(): void {
    this.#timers.wake();
  }

  /** One pass: times schedules that have none, makes every due fire time, delivers finished runs. */
  async runPass(): Promise<SchedulePassOutcome> {
    await this.initializeNextRunAt();
    const outcome = await this.runDue();
    await this.#options.delivery.deliverFinished();
    return outcome;
  }

  /**
   * An active schedule without a next fire time (just seeded) gets the first one after now: a
   * schedule no instance has seen yet has missed nothing.
   */
  async initializeNextRunAt(): Promise<void> {
    const { prisma, logger } = this.#options;
    const untimed = await prisma.reportSchedule.findMany({ where: { active: true, nextRunAt: null } });
    for (const schedule of untimed) {
      try {
        const next = scheduleCron(schedule.cron, schedule.timezone).nextAfter(this.#clock.now());
        await prisma.reportSchedule.updateMany({
          where: { id: schedule.id, nextRunAt: null },
          data: { nextRunAt: next },
        });
      } catch (error) {
        logger.error(
          { err: error, scheduleId: schedule.id },
          "a report schedule has a cron expression that cannot be read",
        );
      }
    }
  }

  /** Claims and fires every due schedule, batch after batch. */
  async runDue(): Promise<SchedulePassOutcome> {
    const total: SchedulePassOutcome = { queued: 0, skipped: 0 };
    for (;;) {
      const claimed = await this.claimDue();
      if (claimed.length === 0) break;
      for (const schedule of claimed) {
        const outcome = await this.fire(schedule);
        total.queued += outcome.queued;
        total.skipped += outcome.skipped;
      }
    }
    if (total.queued > 0) this.#options.onQueued?.();
    return total;
  }

  /** Takes the lease of up to a batch of due schedules no live instance holds. */
  claimDue(): Promise<ClaimedSchedule[]> {
    return this.#timers.claimDue();
  }

  /**
   * Makes the claimed schedule's fire times from `nextRunAt` up to now (each a queued run, or SKIPPED
   * with its reason) and moves `nextRunAt` past them, in one transaction that commits only while this
   * instance holds the lease for that `nextRunAt`.
   */
  async fire(claimed: ClaimedSchedule): Promise<SchedulePassOutcome> {
    const { prisma, logger, instanceId } = this.#options;
    const schedule = await prisma.reportSchedule.findUnique({ where: { id: claimed.id }, include: { template: true } });
    if (!schedule) return { queued: 0, skipped: 0 };
    const now = this.#clock.now();
    let cron: ReturnType<typeof scheduleCron>;
    try {
      cron = scheduleCron(schedule.cron, schedule.timezone);
    } catch (error) {
      // Only a row written around the API can hold this: stop timing it rather than fail every pass.
      logger.error(
        { err: error, scheduleId: schedule.id },
        "report schedule has an unreadable cron expression; stopped",
      );
      await prisma.reportSchedule.updateMany({
        where: { id: schedule.id, leaseOwner: instanceId },
        data: { nextRunAt: null, leaseOwner: null, leaseExpiresAt: null },
      });
      return { queued: 0, skipped: 0 };
    }
    const plans: FirePlan[] = [];
    let due: Date | null = claimed.nextRunAt;
    while (due && due.getTime() <= now.getTime() && plans.length < this.#settings.maxFireTimesPerPass) {
      plans.push(await this.#plan(schedule, due, now));
      due = cron.nextAfter(due);
    }
    const ranAt = plans.filter((p) => p.run).at(-1)?.dueAt;
    const made = await prisma.$transaction(async (tx) => {
      const advanced = await tx.reportSchedule.updateMany({
        where: { id: schedule.id, leaseOwner: instanceId, nextRunAt: claimed.nextRunAt },
        data: {
          nextRunAt: due,
          ...(ranAt ? { lastRunAt: ranAt } : {}),
          leaseOwner: null,
          leaseExpiresAt: null,
        },
      });
      // Lease lost (another instance took the schedule over): it makes these fire times, not us.
      if (advanced.count === 0) return null;
      const outcome: SchedulePassOutcome = { queued: 0, skipped: 0 };
      for (const plan of plans) {
        const [row] = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO "report_schedule_run" ("id", "scheduleId", "dueAt", "outcome", "note", "deliveryStatus", "startedAt")
          VALUES (gen_random_uuid(), ${schedule.id}::uuid, ${plan.dueAt},
            ${plan.run ? "RUN" : "SKIPPED"}::"ReportScheduleRunOutcome", ${plan.note},
            ${plan.run ? "PENDING" : "NONE"}::"ReportDeliveryStatus", ${plan.run ? now : null})
          ON CONFLICT ("scheduleId", "dueAt") DO NOTHING
          RETURNING "id"::text AS "id"`;
        if (!row) continue;
        if (!plan.run) {
          outcome.skipped++;
          continue;
        }
        const run = await tx.reportRun.create({
          data: {
            templateId: plan.run.templateId,
            parameters: { ...plan.run.parameters, scheduleId: schedule.id, dueAt: plan.dueAt.toISOString() },
            requestedById: schedule.createdById,
          },
        });
        await tx.reportScheduleRun.update({ where: { id: row.id }, data: { reportRunId: run.id } });
        outcome.queued++;
      }
      return outcome;
    });
    if (!made) {
      logger.warn(
        { scheduleId: schedule.id },
        "lost the lease of a report schedule before committing; another instance fires it",
      );
      return { queued: 0, skipped: 0 };
    }
    if (made.skipped > 0)
      logger.warn({ scheduleId: schedule.id, skipped: made.skipped }, "report schedule fire times skipped");
    return made;
  }

  async #plan(schedule: Parameters<typeof scheduledReportRequest>[1], dueAt: Date, now: Date): Promise<FirePlan> {
    const lateMs = now.getTime() - dueAt.getTime();
    if (lateMs > this.#settings.catchUpWindowMs) {
      return {
        dueAt,
        run: null,
        note: `Missed: due ${dueAt.toISOString()}, found ${Math.round(lateMs / 60_000)} min later, beyond the catch-up window of ${Math.round(this.#settings.catchUpWindowMs / 60_000)} min.`,
      };
    }
    try {
      const request = await scheduledReportRequest(this.#options.prisma, schedule, dueAt);
      const { template, parameters } = await checkedReportRequest(this.#options.prisma, request);
      return {
        dueAt,
        run: { templateId: template.id, parameters: { ...parameters } },
        note: lateMs > 60_000 ? `Caught up ${Math.round(lateMs / 60_000)} min late.` : null,
      };
    } catch (error) {
      return {
        dueAt,
        run: null,
        note: `Could not be queued: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}
