// Shifts: patterns of a site, their recurring shift definitions and the dated shift instances OEE,
// targets and handover hang from; paged queries with filters, and admin mutations (audited) that
// define shifts and lay out their instances in the site's time zone.
import type { Prisma, Shift, ShiftInstance, ShiftPattern } from "@ms5/db";
import { localDate, localToUtc } from "@ms5/db/local-time";
import {
  ApiError,
  afterKeyset,
  CONNECTION_DEFAULTS,
  CONNECTION_LIST_SIZE,
  defineLoader,
  InputInvalid,
  keysetPage,
  NotFound,
} from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey, InvalidStatusChange } from "../plant-admin/admin-errors.ts";
import { definedOnly, optionalText, requiredText, wholeNumber } from "../plant-admin/admin-input.ts";
import { auditedChange, auditedEdit } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { SiteRef, siteById } from "./plant.ts";
import { connectionRef } from "./relay-connection.ts";

/** Limits of the shift admin. */
export const SHIFT_DEFAULTS = {
  /** @default 62 days: the longest span one scheduleShiftInstances call lays out. */
  maxScheduleDays: 62,
} as const;

const DAY_MS = 86_400_000;

const shiftPatternById = defineLoader<string, ShiftPattern | null>(async (ids, { prisma }) => {
  const rows = await prisma.shiftPattern.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const shiftById = defineLoader<string, Shift | null>(async (ids, { prisma }) => {
  const rows = await prisma.shift.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const shiftInstanceById = defineLoader<string, ShiftInstance | null>(async (ids, { prisma }) => {
  const rows = await prisma.shiftInstance.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const shiftsOfPattern = defineLoader<string, Shift[]>(async (patternIds, { prisma }) => {
  const rows = await prisma.shift.findMany({
    where: { patternId: { in: [...patternIds] } },
    orderBy: [{ startMinuteOfDay: "asc" }, { name: "asc" }],
  });
  return patternIds.map((patternId) => rows.filter((row) => row.patternId === patternId));
});

function present<Row>(row: Row | null, what: string): Row {
  if (!row) throw new Error(`${what} vanished`);
  return row;
}

export const ShiftPatternRef = builder.prismaObject("ShiftPattern", {
  description: "A site's set of recurring shifts (e.g. 3x8).",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    active: t.exposeBoolean("active"),
  }),
});

export const ShiftRef = builder.prismaObject("Shift", {
  name: "ShiftDefinition",
  description: "A recurring shift of a pattern, e.g. Night from 22:00 for 480 minutes, Monday to Friday.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    startMinuteOfDay: t.exposeInt("startMinuteOfDay", { description: "Minutes after local midnight it starts." }),
    durationMinutes: t.exposeInt("durationMinutes"),
    weekdays: t.exposeIntList("weekdays", { description: "ISO weekdays it runs on (1 = Monday)." }),
    plannedBreakMinutes: t.exposeInt("plannedBreakMinutes", {
      description: "Planned breaks, excluded from planned production time.",
    }),
  }),
});

export const ShiftInstanceRef = builder.prismaObject("ShiftInstance", {
  description: "One dated occurrence of a shift.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
  }),
});

builder.objectFields(ShiftPatternRef, (t) => ({
  site: t.field({
    type: SiteRef,
    resolve: async (pattern, _args, context) =>
      present(await context.loaders.of(siteById).load(pattern.siteId), `site of pattern ${pattern.id}`),
  }),
  shifts: t.field({
    type: [ShiftRef],
    description: "Its shifts, earliest start first.",
    resolve: (pattern, _args, context) => context.loaders.of(shiftsOfPattern).load(pattern.id),
  }),
}));
builder.objectFields(ShiftRef, (t) => ({
  pattern: t.field({
    type: ShiftPatternRef,
    resolve: async (shift, _args, context) =>
      present(await context.loaders.of(shiftPatternById).load(shift.patternId), `pattern of shift ${shift.id}`),
  }),
}));
builder.objectFields(ShiftInstanceRef, (t) => ({
  shift: t.field({
    type: ShiftRef,
    resolve: async (instance, _args, context) =>
      present(await context.loaders.of(shiftById).load(instance.shiftId), `shift of instance ${instance.id}`),
  }),
}));

const ShiftPatternConnectionRef = connectionRef("ShiftPattern", ShiftPatternRef);
const ShiftConnectionRef = connectionRef("ShiftDefinition", ShiftRef);
const ShiftInstanceConnectionRef = connectionRef("ShiftInstance", ShiftInstanceRef);

const FIRST_DESCRIPTION = `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`;

const optionalUuid = (value: string | number | null | undefined, name: string) =>
  value === null || value === undefined ? undefined : uuidArgument(value, name);

builder.queryFields((t) => ({
  shiftPatterns: t.field({
    type: ShiftPatternConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Shift patterns ordered by name, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string(),
      siteId: t.arg.id(),
      activeOnly: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, args, { prisma }) => {
      const siteId = optionalUuid(args.siteId, "siteId");
      return keysetPage<ShiftPattern>({
        list: "shift-patterns",
        args,
        sortOf: (pattern) => pattern.name,
        fetch: (after, take) =>
          prisma.shiftPattern.findMany({
            where: {
              AND: [
                afterKeyset("name", after) as Prisma.ShiftPatternWhereInput,
                siteId ? { siteId } : {},
                args.activeOnly ? { active: true } : {},
              ],
            },
            orderBy: [{ name: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  shiftDefinitions: t.field({
    type: ShiftConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Shift definitions ordered by name, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string(),
      patternId: t.arg.id(),
      siteId: t.arg.id(),
      weekday: t.arg.int({ description: "Only shifts that run on this ISO weekday (1 = Monday)." }),
    },
    resolve: (_root, args, { prisma }) => {
      const patternId = optionalUuid(args.patternId, "patternId");
      const siteId = optionalUuid(args.siteId, "siteId");
      if (args.weekday !== null && args.weekday !== undefined && (args.weekday < 1 || args.weekday > 7)) {
        throw new ApiError("BAD_USER_INPUT", "weekday is 1 (Monday) to 7 (Sunday).");
      }
      return keysetPage<Shift>({
        list: "shift-definitions",
        args,
        sortOf: (shift) => shift.name,
        fetch: (after, take) =>
          prisma.shift.findMany({
            where: {
              AND: [
                afterKeyset("name", after) as Prisma.ShiftWhereInput,
                patternId ? { patternId } : {},
                siteId ? { pattern: { siteId } } : {},
                args.weekday ? { weekdays: { has: args.weekday } } : {},
              ],
            },
            orderBy: [{ name: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  shiftInstances: t.field({
    type: ShiftInstanceConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Dated shifts ordered by start, a page at a time; `from`/`to` keep those overlapping [from, to).",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string(),
      siteId: t.arg.id(),
      patternId: t.arg.id(),
      shiftId: t.arg.id(),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, { prisma }) => {
      const siteId = optionalUuid(args.siteId, "siteId");
      const patternId = optionalUuid(args.patternId, "patternId");
      const shiftId = optionalUuid(args.shiftId, "shiftId");
      if (args.from && args.to && args.to <= args.from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
      return keysetPage<ShiftInstance>({
        list: "shift-instances",
        args,
        sortOf: (instance) => instance.startsAt,
        fetch: (after, take) =>
          prisma.shiftInstance.findMany({
            where: {
              AND: [
                afterKeyset("startsAt", after) as Prisma.ShiftInstanceWhereInput,
                shiftId ? { shiftId } : {},
                patternId ? { shift: { patternId } } : {},
                siteId ? { shift: { pattern: { siteId } } } : {},
                args.from ? { endsAt: { gt: args.from } } : {},
                args.to ? { startsAt: { lt: args.to } } : {},
              ],
            },
            orderBy: [{ startsAt: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  currentShiftInstance: t.field({
    type: ShiftInstanceRef,
    nullable: true,
    description: "The site's shift running at `at` (now when omitted); null between shifts.",
    authScopes: { permission: "plant:read" },
    args: { siteId: t.arg.id({ required: true }), at: t.arg({ type: "DateTime" }) },
    resolve: (_root, args, { prisma }) => {
      const at = args.at ?? new Date();
      return prisma.shiftInstance.findFirst({
        where: {
          startsAt: { lte: at },
          endsAt: { gt: at },
          shift: { pattern: { siteId: uuidArgument(args.siteId, "siteId"), active: true } },
        },
        orderBy: { startsAt: "desc" },
      });
    },
  }),
}));

const ShiftDefinitionInput = builder.inputType("ShiftDefinitionInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    startMinuteOfDay: t.int({ required: true, description: "Minutes after local midnight, 0 to 1439." }),
    durationMinutes: t.int({ required: true, description: "1 to 1440." }),
    weekdays: t.intList({ required: true, description: "ISO weekdays (1 = Monday), at least one." }),
    plannedBreakMinutes: t.int({ description: "0 when omitted; less than the duration." }),
  }),
});
const UpdateShiftDefinitionInput = builder.inputType("UpdateShiftDefinitionInput", {
  fields: (t) => ({
    name: t.string(),
    startMinuteOfDay: t.int(),
    durationMinutes: t.int(),
    weekdays: t.intList(),
    plannedBreakMinutes: t.int(),
  }),
});

interface ShiftTimes {
  startMinuteOfDay: number;
  durationMinutes: number;
  weekdays: number[];
  plannedBreakMinutes: number;
}

/** The rules the database's shift_times_valid constraint holds, as typed refusals naming the field. */
function checkShiftTimes(times: ShiftTimes): ShiftTimes {
  wholeNumber(times.startMinuteOfDay, "startMinuteOfDay", { max: 1439 });
  wholeNumber(times.durationMinutes, "durationMinutes", { min: 1, max: 1440 });
  wholeNumber(times.plannedBreakMinutes, "plannedBreakMinutes", { max: 1439 });
  if (times.plannedBreakMinutes >= times.durationMinutes) {
    throw new InputInvalid("plannedBreakMinutes", "Planned breaks must be shorter than the shift.");
  }
  const weekdays = [...new Set(times.weekdays)].sort((a, b) => a - b);
  if (weekdays.length === 0 || weekdays.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    throw new InputInvalid("weekdays", "weekdays are ISO weekdays 1 (Monday) to 7 (Sunday), at least one.");
  }
  return { ...times, weekdays };
}

builder.mutationFields((t) => ({
  createShiftPattern: t.field({
    type: ShiftPatternRef,
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { siteId: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => {
      const siteId = uuidArgument(args.siteId, "siteId");
      const name = requiredText(args.name, "name");
      return auditedChange(context, "shift pattern", async (tx) => {
        if (!(await tx.site.findUnique({ where: { id: siteId } }))) throw new NotFound("site", siteId);
        if (await tx.shiftPattern.findUnique({ where: { siteId_name: { siteId, name } } })) {
          throw new DuplicateKey("shift pattern", "name", name);
        }
        const row = await tx.shiftPattern.create({ data: { siteId, name } });
        return {
          row,
          audit: { action: "shift-pattern.create", entityType: "ShiftPattern", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateShiftPattern: t.field({
    type: ShiftPatternRef,
    description: "Renames a pattern, or reactivates it with active: true.",
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), name: t.arg.string(), active: t.arg.boolean() },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      if (args.active === false) throw new InputInvalid("active", "Use deactivateShiftPattern to deactivate it.");
      const data = definedOnly({ name: optionalText(args.name, "name"), active: args.active ?? undefined });
      return auditedEdit(
        context,
        { entity: "shift pattern", entityType: "ShiftPattern", action: "shift-pattern.update", id },
        (tx) => tx.shiftPattern.findUnique({ where: { id } }),
        async (tx, before) => {
          if (data.name && data.name !== before.name) {
            const taken = await tx.shiftPattern.findUnique({
              where: { siteId_name: { siteId: before.siteId, name: data.name } },
            });
            if (taken) throw new DuplicateKey("shift pattern", "name", data.name);
          }
          return tx.shiftPattern.update({ where: { id }, data });
        },
      );
    },
  }),
  deactivateShiftPattern: t.field({
    type: ShiftPatternRef,
    description: "Stops using a pattern: no new instances are laid out from it; past ones stay.",
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedEdit(
        context,
        { entity: "shift pattern", entityType: "ShiftPattern", action: "shift-pattern.deactivate", id },
        (tx) => tx.shiftPattern.findUnique({ where: { id } }),
        async (tx, before) => {
          if (!before.active) throw new InvalidStatusChange("shift pattern", id, "INACTIVE", "INACTIVE");
          return tx.shiftPattern.update({ where: { id }, data: { active: false } });
        },
      );
    },
  }),
  createShiftDefinition: t.field({
    type: ShiftRef,
    description: "Adds a recurring shift to a pattern.",
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { patternId: t.arg.id({ required: true }), input: t.arg({ type: ShiftDefinitionInput, required: true }) },
    resolve: (_root, args, context) => {
      const patternId = uuidArgument(args.patternId, "patternId");
      const name = requiredText(args.input.name, "name", 60);
      const times = checkShiftTimes({
        startMinuteOfDay: args.input.startMinuteOfDay,
        durationMinutes: args.input.durationMinutes,
        weekdays: args.input.weekdays,
        plannedBreakMinutes: args.input.plannedBreakMinutes ?? 0,
      });
      return auditedChange(context, "shift", async (tx) => {
        if (!(await tx.shiftPattern.findUnique({ where: { id: patternId } }))) {
          throw new NotFound("shift pattern", patternId);
        }
        if (await tx.shift.findUnique({ where: { patternId_name: { patternId, name } } })) {
          throw new DuplicateKey("shift", "name", name);
        }
        const row = await tx.shift.create({ data: { patternId, name, ...times } });
        return { row, audit: { action: "shift.create", entityType: "Shift", entityId: row.id, after: row } };
      });
    },
  }),
  updateShiftDefinition: t.field({
    type: ShiftRef,
    description: "Changes a recurring shift; instances already laid out keep their times.",
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateShiftDefinitionInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const name = optionalText(args.input.name, "name", 60);
      return auditedEdit(
        context,
        { entity: "shift", entityType: "Shift", action: "shift.update", id },
        (tx) => tx.shift.findUnique({ where: { id } }),
        async (tx, before) => {
          const times = checkShiftTimes({
            startMinuteOfDay: args.input.startMinuteOfDay ?? before.startMinuteOfDay,
            durationMinutes: args.input.durationMinutes ?? before.durationMinutes,
            weekdays: args.input.weekdays ?? before.weekdays,
            plannedBreakMinutes: args.input.plannedBreakMinutes ?? before.plannedBreakMinutes,
          });
          if (name && name !== before.name) {
            if (await tx.shift.findUnique({ where: { patternId_name: { patternId: before.patternId, name } } })) {
              throw new DuplicateKey("shift", "name", name);
            }
          }
          return tx.shift.update({ where: { id }, data: { ...times, ...definedOnly({ name }) } });
        },
      );
    },
  }),
  scheduleShiftInstances: t.field({
    type: [ShiftInstanceRef],
    description: `Lays out the dated instances of an active pattern's shifts for the local days from \`from\` to \`to\` (at most ${SHIFT_DEFAULTS.maxScheduleDays} days), in the site's time zone. Instances that already exist are kept; the result is every instance of the span.`,
    authScopes: { permission: "shift:manage" },
    errors: { types: ADMIN_ERRORS },
    args: {
      patternId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    resolve: (_root, args, context) => {
      const patternId = uuidArgument(args.patternId, "patternId");
      if (args.to <= args.from) throw new InputInvalid("to", "to must be after from.");
      if (args.to.getTime() - args.from.getTime() > SHIFT_DEFAULTS.maxScheduleDays * DAY_MS) {
        throw new InputInvalid("to", `At most ${SHIFT_DEFAULTS.maxScheduleDays} days are laid out at once.`);
      }
      return auditedChange(context, "shift instance", async (tx) => {
        const pattern = await tx.shiftPattern.findUnique({
          where: { id: patternId },
          include: { site: true, shifts: true },
        });
        if (!pattern) throw new NotFound("shift pattern", patternId);
        if (!pattern.active) throw new InvalidStatusChange("shift pattern", patternId, "INACTIVE", "SCHEDULED");
        const zone = pattern.site.timezone;
        const planned: { shiftId: string; startsAt: Date; endsAt: Date }[] = [];
        // Walk local calendar days: a day is 23 or 25 hours on a DST change, so step by date, not by 24 h.
        const first = localDate(args.from, zone);
        for (let offset = 0; ; offset++) {
          const day = new Date(Date.UTC(first.year, first.month - 1, first.day + offset));
          const dayStart = localToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), 0, zone);
          if (dayStart >= args.to) break;
          const isoWeekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
          for (const shift of pattern.shifts) {
            if (!shift.weekdays.includes(isoWeekday)) continue;
            const startsAt = localToUtc(
              day.getUTCFullYear(),
              day.getUTCMonth() + 1,
              day.getUTCDate(),
              shift.startMinuteOfDay,
              zone,
            );
            if (startsAt < args.from || startsAt >= args.to) continue;
            planned.push({
              shiftId: shift.id,
              startsAt,
              endsAt: new Date(startsAt.getTime() + shift.durationMinutes * 60_000),
            });
          }
        }
        const created = await tx.shiftInstance.createMany({ data: planned, skipDuplicates: true });
        const row = await tx.shiftInstance.findMany({
          where: {
            shiftId: { in: pattern.shifts.map((shift) => shift.id) },
            startsAt: { gte: args.from, lt: args.to },
          },
          orderBy: { startsAt: "asc" },
        });
        return {
          row,
          audit: {
            action: "shift-instance.schedule",
            entityType: "ShiftPattern",
            entityId: patternId,
            after: { from: args.from, to: args.to, created: created.count, total: row.length },
          },
        };
      });
    },
  }),
}));
