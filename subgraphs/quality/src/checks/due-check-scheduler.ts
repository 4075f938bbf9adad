// Checks fall due by their plan's sampling rules, and overdue ones ask for a quality andon. One pass
// (`runOnce`) looks at every active plan of a line: every N good units of the line's constraint
// (PLC counts), every T minutes of its run time, first-off when a job starts on the line, once per
// shift the line runs. Each occasion has a key (plan, rule, occasion) that is unique in the database,
// so instances running passes at once create each check once. Overdue checks are announced once
// (overdueRaisedAt, set by a conditional update) on the andon request stream.
import type { PrismaClient, QualityCheck, QualityCheckTemplate } from "@ms5/db";
import type { Clock, Logger, RedisClient } from "@ms5/kit";
import type { QualityEventMessage } from "../quality-events/quality-event-message.ts";
import { requestQualityAndon } from "./quality-andon-requests.ts";
import { QUALITY_DEFAULTS } from "./quality-defaults.ts";

export interface DueCheckSchedulerOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  keyPrefix: string;
  /** When checks fall due and become overdue: the subgraph's clock (the database's when running). */
  clock: Clock;
  publish: (events: readonly QualityEventMessage[]) => Promise<void>;
  /** @default QUALITY_DEFAULTS.dueCheckIntervalMs */
  intervalMs?: number;
}

export interface DuePassResult {
  created: QualityCheck[];
  overdue: QualityCheck[];
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export class DueCheckScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(private readonly options: DueCheckSchedulerOptions) {}

  start(): void {
    const interval = this.options.intervalMs ?? QUALITY_DEFAULTS.dueCheckIntervalMs;
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.runOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, "due-check pass failed"))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, interval);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass over every active plan with a line; returns what it created and announced. */
  async runOnce(): Promise<DuePassResult> {
    const { prisma } = this.options;
    const now = this.options.clock.now();
    const plans = await prisma.qualityCheckTemplate.findMany({ where: { active: true, lineId: { not: null } } });
    const created: QualityCheck[] = [];
    for (const plan of plans) {
      for (const occasion of await this.occasionsOf(plan, now)) {
        const check = await this.createDue(plan, occasion, now);
        if (check) created.push(check);
      }
    }
    if (created.length > 0) {
      await this.options.publish(
        created.map((check) => ({ kind: "check-due" as const, checkId: check.id, lineId: check.lineId })),
      );
    }
    const overdue = await this.announceOverdue(now);
    return { created, overdue };
  }

  /** The occasions on which a plan's check is due and not yet made: each with its unique key. */
  private async occasionsOf(plan: QualityCheckTemplate, now: Date) {
    const { prisma } = this.options;
    const lineId = plan.lineId!;
    const occasions: {
      key: string;
      trigger: QualityCheck["trigger"];
      dueAt: Date;
      jobId?: string;
      workOrderId?: string | null;
    }[] = [];
    const order = await prisma.workOrder.findFirst({
      where: { lineId, plannedStart: { lte: now }, plannedEnd: { gt: now } },
      orderBy: { plannedStart: "desc" },
      select: { id: true, productTypeId: true },
    });
    // A plan for a product applies while the line makes it.
    if (plan.productTypeId && order?.productTypeId !== plan.productTypeId) return occasions;
    const constraint = await prisma.equipment.findFirst({
      where: { lineId, isConstraint: true },
      select: { id: true },
    });
    // Sampling looks back a day at most: a plan switched on again does not owe a week of checks.
    const since = new Date(now.getTime() - 24 * 3_600_000);
    const lastOf = (trigger: QualityCheck["trigger"]) =>
      prisma.qualityCheck.findFirst({
        where: { templateId: plan.id, trigger },
        orderBy: { dueAt: "desc" },
        select: { dueAt: true },
      });

    if (plan.everyGoodUnits && constraint) {
      const last = await lastOf("GOOD_UNITS");
      const from = last?.dueAt ?? since;
      const good = await prisma.productionCount.aggregate({
        where: { equipmentId: constraint.id, recordedAt: { gt: from, lte: now } },
        _sum: { goodDelta: true },
      });
      if ((good._sum.goodDelta ?? 0) >= plan.everyGoodUnits) {
        occasions.push({
          key: `${plan.id}:GOOD_UNITS:${from.getTime()}`,
          trigger: "GOOD_UNITS",
          dueAt: now,
          workOrderId: order?.id ?? null,
        });
      }
    }
    if (plan.frequencyMinutes && constraint) {
      const last = await lastOf("RUN_TIME");
      const from = last?.dueAt ?? since;
      const [row] = await prisma.$queryRaw<{ seconds: number | null }[]>`
        SELECT sum(extract(epoch FROM least(coalesce("endedAt", ${now}), ${now}) - greatest("startedAt", ${from})))::float8 AS seconds
        FROM equipment_state_change
        WHERE "equipmentId" = ${constraint.id}::uuid AND state = 'RUNNING'
          AND "startedAt" < ${now} AND coalesce("endedAt", ${now}) > ${from}`;
      if ((row?.seconds ?? 0) >= plan.frequencyMinutes * 60) {
        occasions.push({
          key: `${plan.id}:RUN_TIME:${from.getTime()}`,
          trigger: "RUN_TIME",
          dueAt: now,
          workOrderId: order?.id ?? null,
        });
      }
    }
    if (plan.firstOffAtJobStart) {
      const jobs = await prisma.jobAssignment.findMany({
        where: { lineId, startedAt: { gt: since, lte: now } },
        select: { id: true, startedAt: true, workOrderId: true },
      });
      for (const job of jobs) {
        occasions.push({
          key: `${plan.id}:FIRST_OFF:${job.id}`,
          trigger: "FIRST_OFF",
          dueAt: job.startedAt!,
          jobId: job.id,
          workOrderId: job.workOrderId,
        });
      }
    }
    if (plan.oncePerShift && constraint) {
      const shift = await prisma.shiftInstance.findFirst({
        where: { startsAt: { lte: now }, endsAt: { gt: now } },
        select: { id: true, startsAt: true },
      });
      if (shift) {
        const ran = await prisma.equipmentStateChange.findFirst({
          where: {
            equipmentId: constraint.id,
            state: "RUNNING",
            startedAt: { lt: now },
            OR: [{ endedAt: null }, { endedAt: { gt: shift.startsAt } }],
          },
          select: { id: true },
        });
        if (ran)
          occasions.push({
            key: `${plan.id}:SHIFT:${shift.id}`,
            trigger: "SHIFT",
            dueAt: now,
            workOrderId: order?.id ?? null,
          });
      }
    }
    return occasions;
  }

  private async createDue(
    plan: QualityCheckTemplate,
    occasion: {
      key: string;
      trigger: QualityCheck["trigger"];
      dueAt: Date;
      jobId?: string;
      workOrderId?: string | null;
    },
    now: Date,
  ): Promise<QualityCheck | null> {
    const { prisma } = this.options;
    if (await prisma.qualityCheck.findUnique({ where: { dueKey: occasion.key }, select: { id: true } })) return null;
    try {
      return await prisma.qualityCheck.create({
        data: {
          templateId: plan.id,
          lineId: plan.lineId!,
          equipmentId: plan.equipmentId,
          workOrderId: occasion.workOrderId ?? null,
          jobId: occasion.jobId ?? null,
          trigger: occasion.trigger,
          status: "DUE",
          dueKey: occasion.key,
          dueAt: occasion.dueAt,
          overdueAt: new Date(Math.max(occasion.dueAt.getTime(), now.getTime()) + plan.overdueAfterMinutes * 60_000),
        },
      });
    } catch (error) {
      // Another instance made it in the same moment.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Each check overdue and not yet announced asks for one quality andon. */
  private async announceOverdue(now: Date): Promise<QualityCheck[]> {
    const { prisma } = this.options;
    const overdue = await prisma.qualityCheck.findMany({
      where: { status: { in: ["DUE", "IN_PROGRESS"] }, overdueAt: { lte: now }, overdueRaisedAt: null },
      include: { template: { select: { name: true } } },
      take: 100,
    });
    const announced: QualityCheck[] = [];
    for (const check of overdue) {
      // Claimed first, so one instance announces it; released again if the append fails.
      const { count } = await prisma.qualityCheck.updateMany({
        where: { id: check.id, overdueRaisedAt: null },
        data: { overdueRaisedAt: now },
      });
      if (count === 0) continue;
      try {
        await requestQualityAndon(this.options.redis, this.options.keyPrefix, {
          reason: "check-overdue",
          lineId: check.lineId,
          equipmentId: check.equipmentId,
          priority: "MEDIUM",
          subjectId: check.id,
          note: `Quality check "${check.template.name}" is overdue (due ${check.dueAt.toISOString()}).`,
          at: now,
        });
        announced.push(check);
      } catch (error) {
        await prisma.qualityCheck.update({ where: { id: check.id }, data: { overdueRaisedAt: null } });
        this.options.logger.warn(
          { err: error, checkId: check.id },
          "could not announce an overdue check; retried next pass",
        );
      }
    }
    return announced;
  }
}
