// Report schedules: cron in the site's zone with the next five fire times, recipients, and each fire
// time's outcome and delivery. Reading needs report:read; creating, changing and deleting report:schedule.
import { ApiError } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { createReportSchedule, updateReportSchedule } from "../report-schedules/schedule-admin.ts";
import { scheduleCron } from "../report-schedules/schedule-cron.ts";
import { ReportRunRef } from "./report-run.ts";
import { ReportTemplateRef } from "./report-template.ts";

const MAX_FIRE_TIMES = 50;

function fireTimeCount(count: number | null | undefined): number {
  const n = count ?? 5;
  if (!Number.isInteger(n) || n < 1 || n > MAX_FIRE_TIMES) {
    throw new ApiError("BAD_USER_INPUT", `count must be 1 to ${MAX_FIRE_TIMES}.`);
  }
  return n;
}

const ReportScheduleRunOutcomeEnum = builder.enumType("ReportScheduleRunOutcome", {
  values: {
    RUN: { description: "A report run was queued for this fire time." },
    SKIPPED: {
      description: "No run was made; `note` says why (missed beyond the catch-up window, or bad parameters).",
    },
  } as const,
});

const ReportDeliveryStatusEnum = builder.enumType("ReportDeliveryStatus", {
  values: ["PENDING", "DELIVERED", "NONE"] as const,
});

const ReportDeliveryEntryRef = builder
  .objectRef<{ recipient: string; email: string | null; channel: string; error?: string }>("ReportDeliveryEntry")
  .implement({
    fields: (t) => ({
      recipient: t.exposeString("recipient"),
      email: t.exposeString("email", { nullable: true }),
      channel: t.exposeString("channel", { description: "EMAIL, or IN_APP when e-mail could not go." }),
      error: t.string({ nullable: true, resolve: (entry) => entry.error ?? null }),
    }),
  });

const ReportScheduleRunRef = builder.prismaObject("ReportScheduleRun", {
  authScopes: { permission: "report:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    outcome: t.expose("outcome", { type: ReportScheduleRunOutcomeEnum }),
    note: t.exposeString("note", { nullable: true }),
    deliveryStatus: t.expose("deliveryStatus", { type: ReportDeliveryStatusEnum }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    delivery: t.field({
      type: [ReportDeliveryEntryRef],
      resolve: (row) => (Array.isArray(row.delivery) ? (row.delivery as never[]) : []),
    }),
    reportRun: t.relation("reportRun", { type: ReportRunRef, nullable: true }),
  }),
});

export const ReportScheduleRef = builder.prismaObject("ReportSchedule", {
  authScopes: { permission: "report:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    cron: t.exposeString("cron", { description: "Five-field cron expression in `timezone`." }),
    timezone: t.exposeString("timezone"),
    recipients: t.exposeStringList("recipients", {
      description: 'E-mail addresses, "user:<username>" or "role:<ROLE>".',
    }),
    parameters: t.string({
      description: "The schedule's parameters as JSON (lines, shift, days).",
      resolve: (schedule) => JSON.stringify(schedule.parameters),
    }),
    active: t.exposeBoolean("active"),
    nextRunAt: t.expose("nextRunAt", { type: "DateTime", nullable: true }),
    lastRunAt: t.expose("lastRunAt", { type: "DateTime", nullable: true }),
    nextFireTimes: t.field({
      type: ["DateTime"],
      description: "The next fire times after now (five unless `count` says otherwise), DST included.",
      args: { count: t.arg.int() },
      resolve: (schedule, args) =>
        schedule.active
          ? scheduleCron(schedule.cron, schedule.timezone).nextTimes(fireTimeCount(args.count), new Date())
          : [],
    }),
    runs: t.relation("runs", {
      type: ReportScheduleRunRef,
      description: "The latest fire times, newest first.",
      args: { last: t.arg.int() },
      query: (args) => {
        const take = args.last ?? 20;
        if (!Number.isInteger(take) || take < 1 || take > 100)
          throw new ApiError("BAD_USER_INPUT", "last must be 1 to 100.");
        return { orderBy: { dueAt: "desc" }, take };
      },
    }),
    template: t.relation("template", { type: ReportTemplateRef }),
  }),
});

const ReportScheduleFields = {
  cron: "Five-field cron expression (minute hour day month weekday), read in `timezone`.",
  timezone: "IANA zone; the site's when absent.",
  recipients: 'E-mail addresses, "user:<username>" or "role:<ROLE>"; each must be reachable by e-mail.',
} as const;

const CreateReportScheduleInput = builder.inputType("CreateReportScheduleInput", {
  fields: (t) => ({
    templateKey: t.string({ required: true }),
    name: t.string({ required: true }),
    cron: t.string({ required: true, description: ReportScheduleFields.cron }),
    timezone: t.string({ description: ReportScheduleFields.timezone }),
    recipients: t.stringList({ required: true, description: ReportScheduleFields.recipients }),
    lineIds: t.idList(),
    lineCodes: t.stringList(),
    shiftName: t.string({ description: "The report covers the last finished occurrence of this shift." }),
    days: t.int({
      description: "Otherwise: this many whole site-local days before the fire time (1 to 31; 1 when absent).",
    }),
    active: t.boolean(),
  }),
});

const UpdateReportScheduleInput = builder.inputType("UpdateReportScheduleInput", {
  description: "Fields left out stay as they are.",
  fields: (t) => ({
    templateKey: t.string(),
    name: t.string(),
    cron: t.string({ description: ReportScheduleFields.cron }),
    timezone: t.string({ description: ReportScheduleFields.timezone }),
    recipients: t.stringList({ description: ReportScheduleFields.recipients }),
    lineIds: t.idList(),
    lineCodes: t.stringList(),
    shiftName: t.string(),
    days: t.int(),
    active: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  reportSchedules: t.prismaField({
    type: [ReportScheduleRef],
    description: "The report schedules, by name.",
    authScopes: { permission: "report:read" },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.reportSchedule.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
  reportSchedule: t.prismaField({
    type: ReportScheduleRef,
    nullable: true,
    authScopes: { permission: "report:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, { prisma }) =>
      prisma.reportSchedule.findUnique({ ...query, where: { id: uuidArgument(args.id, "id") } }),
  }),
  reportCronFireTimes: t.field({
    type: ["DateTime"],
    description:
      "The next fire times of a cron expression in a zone, for a schedule editor (five unless `count` says otherwise).",
    authScopes: { permission: "report:read" },
    args: {
      cron: t.arg.string({ required: true }),
      timezone: t.arg.string({ required: true }),
      count: t.arg.int(),
      after: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args) =>
      scheduleCron(args.cron, args.timezone).nextTimes(fireTimeCount(args.count), args.after ?? new Date()),
  }),
}));

builder.mutationFields((t) => ({
  createReportSchedule: t.prismaField({
    type: ReportScheduleRef,
    authScopes: { permission: "report:schedule" },
    args: { input: t.arg({ type: CreateReportScheduleInput, required: true }) },
    resolve: async (query, _root, { input }, { prisma, identity }) => {
      const lineIds = input.lineIds?.map((id) => uuidArgument(id, "lineIds"));
      const created = await createReportSchedule(
        prisma,
        { ...input, ...(lineIds ? { lineIds } : {}) },
        identity.kind === "user" ? identity.userId : null,
      );
      return prisma.reportSchedule.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  updateReportSchedule: t.prismaField({
    type: ReportScheduleRef,
    authScopes: { permission: "report:schedule" },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateReportScheduleInput, required: true }) },
    resolve: async (query, _root, args, { prisma }) => {
      const id = uuidArgument(args.id, "id");
      const lineIds = args.input.lineIds?.map((lineId) => uuidArgument(lineId, "lineIds"));
      await updateReportSchedule(prisma, id, { ...args.input, ...(lineIds ? { lineIds } : {}) });
      return prisma.reportSchedule.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  deleteReportSchedule: t.id({
    description: "Deletes a schedule and the record of its fire times; the report runs it made stay.",
    authScopes: { permission: "report:schedule" },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, { prisma }) => {
      const id = uuidArgument(args.id, "id");
      const deleted = await prisma.reportSchedule.deleteMany({ where: { id } });
      if (deleted.count === 0) throw new ApiError("NOT_FOUND", `There is no report schedule ${id}.`);
      return id;
    },
  }),
}));
