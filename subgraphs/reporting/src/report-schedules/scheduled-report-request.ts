// What a schedule's fire time asks for: the template, the lines (by code, as the seed names them, or
// by id) and the range, which is either the last finished occurrence of a named shift (a shift report
// at 14:15 covers the Morning shift that ended at 14:00) or the `days` whole site-local days before
// the fire time (default one: yesterday). Local days and shifts follow the site's zone across DST.
import type { PrismaClient, ReportSchedule, ReportTemplate } from "@ms5/db";
import { localDate, localToUtc } from "@ms5/db/local-time";
import { ApiError } from "@ms5/kit/subgraph";
import type { ReportRequest } from "../report-runs/report-parameters.ts";
import { localDayOf } from "../site-calendar/site-days.ts";

/** A schedule's stored parameters. */
export interface ScheduleParameters {
  /** Line codes (the seed's form). */
  lines?: string[];
  lineIds?: string[];
  /** A shift's name in the site's active pattern: the report covers its last finished occurrence. */
  shift?: string;
  /** Whole site-local days before the fire time (ignored when `shift` is given). @default 1 */
  days?: number;
}

const MAX_SCHEDULE_DAYS = 31;

export function scheduleParametersOf(json: unknown): ScheduleParameters {
  const value = (json ?? {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
  const parameters: ScheduleParameters = {};
  const lines = strings(value.lines);
  const lineIds = strings(value.lineIds);
  if (lines?.length) parameters.lines = lines;
  if (lineIds?.length) parameters.lineIds = lineIds;
  if (typeof value.shift === "string" && value.shift.trim()) parameters.shift = value.shift.trim();
  if (typeof value.days === "number") parameters.days = value.days;
  return parameters;
}

/** Checks parameters when a schedule is saved: known lines, a shift the site has, days in 1..31. */
export async function checkScheduleParameters(prisma: PrismaClient, parameters: ScheduleParameters): Promise<void> {
  if (
    parameters.days !== undefined &&
    (!Number.isInteger(parameters.days) || parameters.days < 1 || parameters.days > MAX_SCHEDULE_DAYS)
  ) {
    throw new ApiError("BAD_USER_INPUT", `days must be a whole number from 1 to ${MAX_SCHEDULE_DAYS}.`);
  }
  await lineIdsOf(prisma, parameters);
  if (parameters.shift) {
    const shift = await prisma.shift.findFirst({ where: { name: parameters.shift, pattern: { active: true } } });
    if (!shift) throw new ApiError("BAD_USER_INPUT", `There is no shift "${parameters.shift}" in an active pattern.`);
  }
}

async function lineIdsOf(prisma: PrismaClient, parameters: ScheduleParameters): Promise<string[]> {
  const ids = new Set(parameters.lineIds ?? []);
  if (parameters.lines?.length) {
    const lines = await prisma.line.findMany({
      where: { code: { in: parameters.lines } },
      select: { id: true, code: true },
    });
    const missing = parameters.lines.filter((code) => !lines.some((l) => l.code === code));
    if (missing.length > 0) throw new ApiError("BAD_USER_INPUT", `No line has the code ${missing.join(", ")}.`);
    for (const line of lines) ids.add(line.id);
  }
  if (parameters.lineIds?.length) {
    const found = await prisma.line.count({ where: { id: { in: parameters.lineIds } } });
    if (found !== parameters.lineIds.length)
      throw new ApiError("BAD_USER_INPUT", "lineIds names a line that does not exist.");
  }
  return [...ids];
}

async function siteTimeZone(prisma: PrismaClient): Promise<string> {
  const site = await prisma.site.findFirst({ where: { active: true }, orderBy: { createdAt: "asc" } });
  return site?.timezone ?? "UTC";
}

/** The last occurrence of `shiftName` that ended at or before `at`, looking back a week. */
async function lastShiftBefore(prisma: PrismaClient, shiftName: string, at: Date): Promise<{ from: Date; to: Date }> {
  const shift = await prisma.shift.findFirst({
    where: { name: shiftName, pattern: { active: true } },
    include: { pattern: { include: { site: true } } },
  });
  if (!shift) throw new ApiError("BAD_USER_INPUT", `There is no shift "${shiftName}" in an active pattern.`);
  const timeZone = shift.pattern.site.timezone;
  const today = localDate(at, timeZone);
  for (let back = 0; back <= 8; back++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    if (!shift.weekdays.includes(isoWeekday)) continue;
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const from = localToUtc(y, m, d, shift.startMinuteOfDay, timeZone);
    const to = localToUtc(y, m, d, shift.startMinuteOfDay + shift.durationMinutes, timeZone);
    if (to.getTime() <= at.getTime()) return { from, to };
  }
  throw new ApiError("BAD_USER_INPUT", `The shift "${shiftName}" did not run in the week before ${at.toISOString()}.`);
}

export async function scheduledReportRequest(
  prisma: PrismaClient,
  schedule: ReportSchedule & { template: ReportTemplate },
  dueAt: Date,
): Promise<ReportRequest> {
  const parameters = scheduleParametersOf(schedule.parameters);
  const lineIds = await lineIdsOf(prisma, parameters);
  if (parameters.shift) {
    const range = await lastShiftBefore(prisma, parameters.shift, dueAt);
    return { templateKey: schedule.template.key, ...range, lineIds };
  }
  const timeZone = await siteTimeZone(prisma);
  const to = localDayOf(dueAt, timeZone).start;
  let from = to;
  for (let i = 0; i < (parameters.days ?? 1); i++) from = localDayOf(new Date(from.getTime() - 1), timeZone).start;
  return { templateKey: schedule.template.key, from, to, lineIds };
}
