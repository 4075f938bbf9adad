// Creating and changing report schedules: every field is checked before anything is written (a cron
// expression croner refuses, an unknown zone or template, a recipient without an e-mail address, a
// line or shift that does not exist: BAD_USER_INPUT, nothing changed), and the next fire time is
// computed from the new expression so the scheduler picks it up.
import type { Prisma, PrismaClient, ReportSchedule } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";
import { scheduleCron } from "./schedule-cron.ts";
import { checkedRecipients } from "./schedule-recipients.ts";
import { checkScheduleParameters, type ScheduleParameters, scheduleParametersOf } from "./scheduled-report-request.ts";

export interface ScheduleFields {
  templateKey?: string | null;
  name?: string | null;
  cron?: string | null;
  timezone?: string | null;
  recipients?: readonly string[] | null;
  lineIds?: readonly string[] | null;
  lineCodes?: readonly string[] | null;
  shiftName?: string | null;
  days?: number | null;
  active?: boolean | null;
}

const MAX_NAME_LENGTH = 120;

async function siteTimeZone(prisma: PrismaClient): Promise<string> {
  const site = await prisma.site.findFirst({ where: { active: true }, orderBy: { createdAt: "asc" } });
  return site?.timezone ?? "UTC";
}

async function checkedFields(
  prisma: PrismaClient,
  fields: ScheduleFields,
  current: (ReportSchedule & { template: { key: string } }) | null,
  now: Date,
): Promise<Omit<Prisma.ReportScheduleUncheckedCreateInput, "createdById">> {
  const name = (fields.name ?? current?.name ?? "").trim();
  if (!name || name.length > MAX_NAME_LENGTH) {
    throw new ApiError("BAD_USER_INPUT", `A schedule needs a name of 1 to ${MAX_NAME_LENGTH} characters.`);
  }
  const templateKey = fields.templateKey ?? current?.template.key;
  const template = templateKey ? await prisma.reportTemplate.findUnique({ where: { key: templateKey } }) : null;
  if (!template?.active) throw new ApiError("BAD_USER_INPUT", `There is no active report template "${templateKey}".`);
  const timezone = fields.timezone ?? current?.timezone ?? (await siteTimeZone(prisma));
  const cronExpression = (fields.cron ?? current?.cron ?? "").trim();
  const cron = scheduleCron(cronExpression, timezone);
  const recipients = await checkedRecipients(prisma, fields.recipients ?? current?.recipients ?? []);

  const parameters: ScheduleParameters = current ? scheduleParametersOf(current.parameters) : {};
  if (fields.lineIds !== undefined || fields.lineCodes !== undefined) {
    delete parameters.lineIds;
    delete parameters.lines;
    if (fields.lineIds?.length) parameters.lineIds = [...fields.lineIds];
    if (fields.lineCodes?.length) parameters.lines = [...fields.lineCodes];
  }
  if (fields.shiftName !== undefined) {
    if (fields.shiftName?.trim()) parameters.shift = fields.shiftName.trim();
    else delete parameters.shift;
  }
  if (fields.days !== undefined) {
    if (fields.days === null) delete parameters.days;
    else parameters.days = fields.days;
  }
  await checkScheduleParameters(prisma, parameters);
  const active = fields.active ?? current?.active ?? true;
  return {
    templateId: template.id,
    name,
    cron: cronExpression,
    timezone,
    recipients,
    parameters: { ...parameters },
    active,
    nextRunAt: active ? cron.nextAfter(now) : null,
  };
}

export async function createReportSchedule(
  prisma: PrismaClient,
  fields: ScheduleFields,
  createdById: string | null,
  now: Date = new Date(),
): Promise<ReportSchedule> {
  const data = await checkedFields(prisma, fields, null, now);
  const clash = await prisma.reportSchedule.findUnique({
    where: { templateId_name: { templateId: data.templateId, name: data.name } },
  });
  if (clash) throw new ApiError("CONFLICT", `The template already has a schedule named "${data.name}".`);
  return prisma.reportSchedule.create({ data: { ...data, createdById } });
}

export async function updateReportSchedule(
  prisma: PrismaClient,
  id: string,
  fields: ScheduleFields,
  now: Date = new Date(),
): Promise<ReportSchedule> {
  const current = await prisma.reportSchedule.findUnique({ where: { id }, include: { template: true } });
  if (!current) throw new ApiError("NOT_FOUND", `There is no report schedule ${id}.`);
  const data = await checkedFields(prisma, fields, current, now);
  if (data.name !== current.name || data.templateId !== current.templateId) {
    const clash = await prisma.reportSchedule.findUnique({
      where: { templateId_name: { templateId: data.templateId, name: data.name } },
    });
    if (clash && clash.id !== id)
      throw new ApiError("CONFLICT", `The template already has a schedule named "${data.name}".`);
  }
  // The fire times already made stay made; an unchanged expression keeps its pending fire time, so an
  // edit of the recipients does not drop a due run.
  const timingChanged =
    data.cron !== current.cron || data.timezone !== current.timezone || data.active !== current.active;
  return prisma.reportSchedule.update({
    where: { id },
    data: { ...data, nextRunAt: timingChanged || !current.nextRunAt ? data.nextRunAt : current.nextRunAt },
  });
}
