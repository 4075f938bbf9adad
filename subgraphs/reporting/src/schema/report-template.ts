// Report templates as seeded (six of them): what a run or a schedule names.
import { builder } from "../builder.ts";

const ReportKindEnum = builder.enumType("ReportKind", {
  values: [
    "SHIFT_SUMMARY",
    "DAILY_PRODUCTION",
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

builder.queryFields((t) => ({
  reportTemplates: t.prismaField({
    type: [ReportTemplateRef],
    description: "The report templates, by name.",
    authScopes: { permission: "report:read" },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.reportTemplate.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
}));
