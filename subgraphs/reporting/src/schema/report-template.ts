// Report templates and schedules as seeded (six templates, one schedule): what a run or a schedule names.
import { builder } from "../builder.ts";

const ReportKindEnum = builder.enumType("ReportKind", {
  values: [
    "SHIFT_SUMMARY",
    "OEE_TREND",
    "DOWNTIME_PARETO",
    "ANDON_SUMMARY",
    "QUALITY_SUMMARY",
    "MAINTENANCE_SUMMARY",
  ] as const,
});

export const ReportTemplateRef = builder.prismaObject("ReportTemplate", {
  authScopes: { permission: "report:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    kind: t.expose("kind", { type: ReportKindEnum }),
    active: t.exposeBoolean("active"),
  }),
});

export const ReportScheduleRef = builder.prismaObject("ReportSchedule", {
  authScopes: { permission: "report:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    cron: t.exposeString("cron", { description: "Five-field cron expression in `timezone`." }),
    timezone: t.exposeString("timezone"),
    recipients: t.exposeStringList("recipients"),
    active: t.exposeBoolean("active"),
    nextRunAt: t.expose("nextRunAt", { type: "DateTime", nullable: true }),
    lastRunAt: t.expose("lastRunAt", { type: "DateTime", nullable: true }),
    template: t.relation("template"),
  }),
});

builder.queryFields((t) => ({
  reportTemplates: t.prismaField({
    type: [ReportTemplateRef],
    description: "The report templates, by name.",
    authScopes: { permission: "report:read" },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.reportTemplate.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
  reportSchedules: t.prismaField({
    type: [ReportScheduleRef],
    description: "The report schedules, by name.",
    authScopes: { permission: "report:read" },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.reportSchedule.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
}));
