// Writes the demo plant (demo-plant.ts) into a database. Idempotent: every row is found by its
// natural key and created only when missing, so a second run changes nothing and existing edits
// (a changed password, a retuned escalation rule) survive a re-seed.

import type { PrismaClient } from "../../generated/client/client.ts";
import { hashSecret } from "../password-hash.ts";
import {
  AREAS,
  CERTIFICATIONS,
  CHECKLISTS,
  DEFECT_TREE,
  DEMO_PASSWORD,
  DEMO_PLC_PORT_BASE,
  type DefectNode,
  ESCALATION_RULES,
  FAULT_CATALOGS,
  LINES,
  PLCS,
  PRODUCTS,
  QUALITY_TEMPLATES,
  REASON_TREE,
  REPORT_TEMPLATES,
  type ReasonNode,
  SCHEDULED_DAYS,
  SHIFT_PATTERN,
  SHIFT_ROSTER,
  SITE,
  TAG_MAPS,
  USERS,
  WORK_ORDERS_PER_LINE_PER_DAY,
} from "./demo-plant.ts";
import { localToUtc, localWeekDates } from "./local-time.ts";

export interface SeedOptions {
  /** The seeded week of shifts and schedules is the one containing this instant. */
  now?: Date;
  /** Cheaper password hashing for tests (never for a real database). */
  fastHashing?: boolean;
  /**
   * Port of the first demo PLC, the others following it: a second plant on one machine (a test of
   * `pnpm start`) moves its emulated PLCs off a running plant's. Applies to PLC rows it creates.
   * @default 44818
   */
  plcPortBase?: number;
}

export async function seedPlant(
  prisma: PrismaClient,
  { now = new Date(), fastHashing = false, plcPortBase = DEMO_PLC_PORT_BASE }: SeedOptions = {},
): Promise<void> {
  const site = await prisma.site.upsert({
    where: { code: SITE.code },
    create: { ...SITE },
    update: {},
  });

  const areaIds = new Map<string, string>();
  for (const area of AREAS) {
    const row = await prisma.area.upsert({
      where: { siteId_code: { siteId: site.id, code: area.code } },
      create: { siteId: site.id, ...area },
      update: {},
    });
    areaIds.set(area.code, row.id);
  }

  const productIds = new Map<string, string>();
  for (const product of PRODUCTS) {
    const row = await prisma.productType.upsert({
      where: { code: product.code },
      create: { ...product, idealRatePerMinute: 60 / product.idealCycleTimeSeconds },
      update: {},
    });
    productIds.set(product.code, row.id);
  }

  const tagMapIds = new Map<string, string>();
  for (const tagMap of TAG_MAPS) {
    const row = await prisma.tagMap.upsert({ where: { name: tagMap.name }, create: { ...tagMap }, update: {} });
    tagMapIds.set(tagMap.name, row.id);
  }

  const plcIds = new Map<string, string>();
  for (const plc of PLCS) {
    const port = plc.port - DEMO_PLC_PORT_BASE + plcPortBase;
    const row = await prisma.plc.upsert({
      where: { name: plc.name },
      create: { siteId: site.id, ...plc, port },
      update: {},
    });
    plcIds.set(plc.name, row.id);
  }

  const reasonIds = await seedReasonTree(prisma, REASON_TREE, null);

  const lineIds = new Map<string, string>();
  const equipmentIds = new Map<string, string>();
  for (const line of LINES) {
    const areaId = areaIds.get(line.area)!;
    const lineRow = await prisma.line.upsert({
      where: { code: line.code },
      create: {
        areaId,
        code: line.code,
        name: line.name,
        microStopThresholdSeconds: line.microStopThresholdSeconds,
        oeeTarget: line.oeeTarget,
      },
      update: {},
    });
    lineIds.set(line.code, lineRow.id);
    for (const eq of line.equipment) {
      const row = await prisma.equipment.upsert({
        where: { code: eq.code },
        create: {
          lineId: lineRow.id,
          code: eq.code,
          name: eq.name,
          kind: eq.kind,
          sequence: eq.sequence,
          isConstraint: eq.isConstraint,
          criticality: eq.criticality,
          plcId: eq.plc ? plcIds.get(eq.plc)! : null,
          plcTagPrefix: eq.plcTagPrefix,
          tagMapId: eq.tagMap ? tagMapIds.get(eq.tagMap)! : null,
          targetSpeedPerMinute: eq.targetSpeedPerMinute,
          andonOnFault: eq.faultCatalog !== null,
        },
        update: {},
      });
      equipmentIds.set(eq.code, row.id);
      for (const fault of eq.faultCatalog ? FAULT_CATALOGS[eq.faultCatalog] : []) {
        const { reason, ...entry } = fault;
        await prisma.faultCatalogEntry.upsert({
          where: { equipmentId_bitIndex: { equipmentId: row.id, bitIndex: fault.bitIndex } },
          create: { ...entry, equipmentId: row.id, suggestedReasonCodeId: reasonIds.get(reason)! },
          update: {},
        });
      }
    }
  }

  const userIds = new Map<string, string>();
  const hashing = fastHashing ? { N: 1024, r: 8, p: 1, keyLength: 32 } : undefined;
  for (const user of USERS) {
    const existing = await prisma.user.findUnique({ where: { username: user.username }, select: { id: true } });
    if (existing) {
      userIds.set(user.username, existing.id);
      continue;
    }
    const { pin, roles, skills, ...fields } = user;
    const row = await prisma.user.create({
      data: {
        ...fields,
        roles: [...roles],
        skills: [...skills],
        passwordHash: await hashSecret(DEMO_PASSWORD, hashing),
        pinHash: pin ? await hashSecret(pin, hashing) : null,
      },
    });
    userIds.set(user.username, row.id);
    await prisma.notificationPreference.createMany({
      data: [
        { userId: row.id, channel: "IN_APP", rank: 0 },
        { userId: row.id, channel: "EMAIL", rank: 1, minPriority: "HIGH" },
      ],
      skipDuplicates: true,
    });
  }

  const shiftInstanceIds = await seedShifts(prisma, site.id, now);
  await seedRoster(prisma, { now, userIds, equipmentIds, shiftInstances: shiftInstanceIds });
  await seedSchedules(prisma, { now, lineIds, productIds, shiftInstances: shiftInstanceIds });

  for (const checklist of CHECKLISTS) {
    await prisma.checklistTemplate.upsert({
      where: { name_version: { name: checklist.name, version: 1 } },
      create: {
        name: checklist.name,
        kind: "PRE_START",
        equipmentId: equipmentIds.get(checklist.equipmentCode)!,
        items: {
          create: checklist.items.map((item, position) => ({
            position,
            label: item.label,
            type: item.type,
            required: "required" in item ? item.required : true,
            minValue: "minValue" in item ? item.minValue : null,
            maxValue: "maxValue" in item ? item.maxValue : null,
            unit: "unit" in item ? item.unit : null,
            options: "options" in item ? [...item.options] : [],
          })),
        },
      },
      update: {},
    });
  }

  await seedDefectTree(prisma, DEFECT_TREE, null);
  for (const template of QUALITY_TEMPLATES) {
    const lineId = lineIds.get(template.lineCode)!;
    const equipmentId = template.equipmentCode
      ? (await prisma.equipment.findUniqueOrThrow({ where: { code: template.equipmentCode } })).id
      : null;
    const sampling = {
      lineId,
      equipmentId,
      frequencyMinutes: template.frequencyMinutes,
      everyGoodUnits: template.everyGoodUnits,
      firstOffAtJobStart: template.firstOffAtJobStart,
      oncePerShift: template.oncePerShift,
      overdueAfterMinutes: template.overdueAfterMinutes,
      requiresSignature: template.requiresSignature,
      sampleSize: template.sampleSize,
    };
    const characteristics = template.characteristics.map((c, position) => ({
      position,
      name: c.name,
      type: c.type,
      unit: "unit" in c ? c.unit : null,
      nominal: "nominal" in c ? c.nominal : null,
      lowerSpec: "lowerSpec" in c ? c.lowerSpec : null,
      upperSpec: "upperSpec" in c ? c.upperSpec : null,
      decimals: "decimals" in c ? c.decimals : 2,
      subgroupSize: "subgroupSize" in c ? c.subgroupSize : 1,
      chartType: "chartType" in c ? c.chartType : null,
      spcRules: "spcRules" in c ? [...c.spcRules] : [],
      liveSignal: "liveSignal" in c ? c.liveSignal : null,
      andonOnOutOfSpec: "andonOnOutOfSpec" in c ? c.andonOnOutOfSpec : false,
    }));
    // A plant seeded before the sampling rules existed gets them on its next seed.
    const row = await prisma.qualityCheckTemplate.upsert({
      where: { name_version: { name: template.name, version: 1 } },
      create: {
        name: template.name,
        productTypeId: productIds.get(template.productCode)!,
        ...sampling,
        characteristics: { create: characteristics },
      },
      update: sampling,
    });
    for (const { position, ...settings } of characteristics) {
      await prisma.qualityCharacteristic.updateMany({ where: { templateId: row.id, position }, data: settings });
    }
  }

  for (const rule of ESCALATION_RULES) {
    await prisma.escalationRule.upsert({
      where: { name: rule.name },
      create: {
        name: rule.name,
        priority: rule.priority,
        acknowledgeTimeoutSeconds: rule.acknowledgeTimeoutSeconds,
        resolveTimeoutSeconds: rule.resolveTimeoutSeconds,
        reminderIntervalSeconds: rule.reminderIntervalSeconds,
        levels: {
          create: rule.levels.map((level) => ({
            level: level.level,
            kind: level.kind,
            delaySeconds: level.delaySeconds,
            channels: [...level.channels],
            recipients: {
              create: level.recipients.map((r) =>
                r.kind === "ROLE"
                  ? { kind: "ROLE" as const, role: r.role }
                  : { kind: "USER" as const, userId: userIds.get(r.username)! },
              ),
            },
          })),
        },
      },
      update: {},
    });
  }

  for (const line of LINES) {
    const name = `${line.name}: OEE below target`;
    const exists = await prisma.alertRule.findFirst({ where: { name }, select: { id: true } });
    if (!exists) {
      await prisma.alertRule.create({
        data: {
          name,
          kind: "OEE_BELOW_TARGET",
          lineId: lineIds.get(line.code)!,
          threshold: line.oeeTarget - 0.1,
          clearThreshold: line.oeeTarget - 0.05,
          durationSeconds: 600,
          severity: "MEDIUM",
        },
      });
    }
  }

  for (const template of REPORT_TEMPLATES) {
    await prisma.reportTemplate.upsert({ where: { key: template.key }, create: { ...template }, update: {} });
  }
  const shiftSummary = await prisma.reportTemplate.findUniqueOrThrow({ where: { key: "shift-summary" } });
  await prisma.reportSchedule.upsert({
    where: { templateId_name: { templateId: shiftSummary.id, name: "Morning shift summary, all lines" } },
    create: {
      templateId: shiftSummary.id,
      name: "Morning shift summary, all lines",
      cron: "15 14 * * *",
      timezone: SITE.timezone,
      parameters: { lines: LINES.map((l) => l.code), shift: "Morning" },
      recipients: ["thomas.becker@riverside-mill.example", "grace.mokoena@riverside-mill.example"],
      createdById: userIds.get("pmanager")!,
    },
    update: {},
  });

  await prisma.serviceAccount.upsert({
    where: { name: "mes-integration" },
    create: {
      name: "mes-integration",
      description: "The plant MES: pushes work orders, reads counts and OEE. Issue its API key as an admin.",
      createdById: userIds.get("admin")!,
    },
    update: {},
  });
}

async function seedReasonTree(
  prisma: PrismaClient,
  nodes: readonly ReasonNode[],
  parentId: string | null,
  ids = new Map<string, string>(),
) {
  for (const [index, [code, name, category, sixBigLoss, children]] of nodes.entries()) {
    const row = await prisma.reasonCode.upsert({
      where: { code },
      create: { code, name, category, sixBigLoss, parentId, sortOrder: index },
      update: {},
    });
    ids.set(code, row.id);
    if (children) await seedReasonTree(prisma, children, row.id, ids);
  }
  return ids;
}

async function seedDefectTree(prisma: PrismaClient, nodes: readonly DefectNode[], parentId: string | null) {
  for (const [code, name, severity, children] of nodes) {
    const row = await prisma.defectCode.upsert({
      where: { code },
      create: { code, name, severity, parentId },
      update: {},
    });
    if (children) await seedDefectTree(prisma, children, row.id);
  }
}

type ShiftInstanceRef = { id: string; shiftName: string; startsAt: Date; endsAt: Date; productiveMinutes: number };

async function seedShifts(prisma: PrismaClient, siteId: string, now: Date): Promise<ShiftInstanceRef[]> {
  const pattern = await prisma.shiftPattern.upsert({
    where: { siteId_name: { siteId, name: SHIFT_PATTERN.name } },
    create: { siteId, name: SHIFT_PATTERN.name },
    update: {},
  });
  const instances: ShiftInstanceRef[] = [];
  for (const shift of SHIFT_PATTERN.shifts) {
    const shiftRow = await prisma.shift.upsert({
      where: { patternId_name: { patternId: pattern.id, name: shift.name } },
      create: { patternId: pattern.id, ...shift, weekdays: [...shift.weekdays] },
      update: {},
    });
    const week = localWeekDates(now, SITE.timezone);
    const weekStart = localToUtc(week[0]!.year, week[0]!.month, week[0]!.day, 0, SITE.timezone);
    // The Sunday before the week too: its night shift runs into Monday, and a plant started early on
    // Monday morning must find the shift it is in.
    const sundayBefore = new Date(Date.UTC(week[0]!.year, week[0]!.month - 1, week[0]!.day - 1));
    const dates = [
      {
        year: sundayBefore.getUTCFullYear(),
        month: sundayBefore.getUTCMonth() + 1,
        day: sundayBefore.getUTCDate(),
        isoWeekday: 7,
      },
      ...week,
    ];
    for (const date of dates) {
      if (!(shift.weekdays as readonly number[]).includes(date.isoWeekday)) continue;
      const startsAt = localToUtc(date.year, date.month, date.day, shift.startMinuteOfDay, SITE.timezone);
      const endsAt = new Date(startsAt.getTime() + shift.durationMinutes * 60_000);
      if (endsAt <= weekStart) continue;
      const row = await prisma.shiftInstance.upsert({
        where: { shiftId_startsAt: { shiftId: shiftRow.id, startsAt } },
        create: { shiftId: shiftRow.id, startsAt, endsAt },
        update: {},
      });
      instances.push({
        id: row.id,
        shiftName: shift.name,
        startsAt,
        endsAt,
        productiveMinutes: shift.durationMinutes - shift.plannedBreakMinutes,
      });
    }
  }
  return instances.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The demo people's certifications (dated from `now`) and their places on the seeded shifts. */
async function seedRoster(
  prisma: PrismaClient,
  ctx: {
    now: Date;
    userIds: Map<string, string>;
    equipmentIds: Map<string, string>;
    shiftInstances: ShiftInstanceRef[];
  },
) {
  const day = 86_400_000;
  for (const cert of CERTIFICATIONS) {
    const userId = ctx.userIds.get(cert.username)!;
    await prisma.certification.upsert({
      where: { userId_name: { userId, name: cert.name } },
      create: {
        userId,
        name: cert.name,
        issuedAt: new Date(ctx.now.getTime() - cert.issuedDaysAgo * day),
        expiresAt: cert.expiresInDays === null ? null : new Date(ctx.now.getTime() + cert.expiresInDays * day),
        equipmentId: cert.equipmentCode ? ctx.equipmentIds.get(cert.equipmentCode)! : null,
        equipmentKind: cert.equipmentKind ?? null,
      },
      update: {},
    });
  }
  await prisma.shiftAssignment.createMany({
    data: ctx.shiftInstances.flatMap((instance) =>
      SHIFT_ROSTER.map((person) => ({
        shiftInstanceId: instance.id,
        userId: ctx.userIds.get(person.username)!,
        role: person.role,
      })),
    ),
    skipDuplicates: true,
  });
}

async function seedSchedules(
  prisma: PrismaClient,
  ctx: { now: Date; lineIds: Map<string, string>; productIds: Map<string, string>; shiftInstances: ShiftInstanceRef[] },
) {
  const week = localWeekDates(ctx.now, SITE.timezone);
  const first = week[0]!;
  const weekStart = localToUtc(first.year, first.month, first.day, 0, SITE.timezone);
  const weekEnd = new Date(weekStart.getTime() + SCHEDULED_DAYS * 86_400_000);
  const weekLabel = `${first.year}-${String(first.month).padStart(2, "0")}-${String(first.day).padStart(2, "0")}`;

  for (const line of LINES) {
    const lineId = ctx.lineIds.get(line.code)!;
    const constraint = line.equipment.find((e) => e.isConstraint)!;
    const schedule = await prisma.productionSchedule.upsert({
      where: { lineId_periodStart: { lineId, periodStart: weekStart } },
      create: {
        lineId,
        name: `${line.name}, week of ${weekLabel}`,
        periodStart: weekStart,
        periodEnd: weekEnd,
        status: "RELEASED",
      },
      update: {},
    });

    for (let dayIndex = 0; dayIndex < SCHEDULED_DAYS; dayIndex++) {
      const day = week[dayIndex]!;
      const dayStart = localToUtc(day.year, day.month, day.day, 6 * 60, SITE.timezone);
      const slotMs = (24 * 3_600_000) / WORK_ORDERS_PER_LINE_PER_DAY;
      for (let slot = 0; slot < WORK_ORDERS_PER_LINE_PER_DAY; slot++) {
        // Lines alternate their products through the day, as a planner levelling the mix would.
        const productCode = line.products[(dayIndex + slot) % line.products.length]!;
        const product = PRODUCTS.find((p) => p.code === productCode)!;
        const plannedStart = new Date(dayStart.getTime() + slot * slotMs);
        const plannedEnd = new Date(plannedStart.getTime() + slotMs);
        // Plan at 80 % of the constraint's nameplate speed over the slot, less breaks.
        const plannedQuantity = Math.max(
          1,
          Math.floor(constraint.targetSpeedPerMinute * (slotMs / 60_000) * (450 / 480) * 0.8),
        );
        const number = `WO-${line.code.toUpperCase()}-${day.year}${String(day.month).padStart(2, "0")}${String(day.day).padStart(2, "0")}-${slot + 1}`;
        await prisma.workOrder.upsert({
          where: { number },
          create: {
            number,
            scheduleId: schedule.id,
            lineId,
            productTypeId: ctx.productIds.get(productCode)!,
            plannedQuantity,
            plannedStart,
            plannedEnd,
            status: "RELEASED",
            priority: slot === 0 ? 1 : 0,
            externalSource: "demo-mes",
            externalRef: `MES-${number}`,
          },
          update: {},
        });
        void product;
      }
    }

    // Targets: per shift, and per hour within it, at the line's OEE target of the constraint's speed.
    const targetPerMinute = constraint.targetSpeedPerMinute * line.oeeTarget;
    for (const instance of ctx.shiftInstances) {
      await prisma.productionTarget.upsert({
        where: { lineId_granularity_periodStart: { lineId, granularity: "SHIFT", periodStart: instance.startsAt } },
        create: {
          lineId,
          granularity: "SHIFT",
          periodStart: instance.startsAt,
          periodEnd: instance.endsAt,
          shiftInstanceId: instance.id,
          targetQuantity: Math.round(targetPerMinute * instance.productiveMinutes),
        },
        update: {},
      });
      const hours = Math.round((instance.endsAt.getTime() - instance.startsAt.getTime()) / 3_600_000);
      await prisma.productionTarget.createMany({
        data: Array.from({ length: hours }, (_, h) => ({
          lineId,
          granularity: "HOUR" as const,
          periodStart: new Date(instance.startsAt.getTime() + h * 3_600_000),
          periodEnd: new Date(instance.startsAt.getTime() + (h + 1) * 3_600_000),
          shiftInstanceId: instance.id,
          // The hour with the shift's break plans half an hour of output.
          targetQuantity: Math.round(targetPerMinute * (h === 4 ? 30 : 60)),
        })),
        skipDuplicates: true,
      });
    }
  }
}
