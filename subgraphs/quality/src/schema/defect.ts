// Defect codes (a tree of categories), defects recorded at the line and the Pareto of a line.
import type { DefectCode } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { defectPareto, recordDefect } from "../defects/defect-records.ts";
import { qualityRuntimeOf } from "../quality-runtime.ts";
import { EquipmentRef, equipmentRefOf, LineRef, lineRefOf } from "./plant-refs.ts";
import { CHANGE_ERRORS } from "./quality-errors.ts";

export const DefectSeverityEnum = builder.enumType("DefectSeverity", {
  values: ["MINOR", "MAJOR", "CRITICAL"] as const,
});

export const defectCodeById = defineLoader<string, DefectCode | null>(async (ids, { prisma }) => {
  const rows = await prisma.defectCode.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const childrenOfDefectCode = defineLoader<string, DefectCode[]>(async (ids, { prisma }) => {
  const rows = await prisma.defectCode.findMany({ where: { parentId: { in: [...ids] } }, orderBy: { code: "asc" } });
  return ids.map((id) => rows.filter((row) => row.parentId === id));
});

export const DefectCodeRef = builder.prismaObject("DefectCode", {
  description: "A kind of defect; codes form a tree (a category and its defects).",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    severity: t.expose("severity", { type: DefectSeverityEnum }),
    active: t.exposeBoolean("active"),
    parentId: t.exposeID("parentId", { nullable: true }),
  }),
});
builder.objectFields(DefectCodeRef, (t) => ({
  children: t.field({
    type: [DefectCodeRef],
    listSize: { assumedSize: 10 },
    resolve: (code, _args, context) => context.loaders.of(childrenOfDefectCode).load(code.id),
  }),
}));

export const DefectRecordRef = builder.prismaObject("DefectRecord", {
  description: "Defects found at the line: what, where, how many.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    defectCode: t.field({
      type: DefectCodeRef,
      resolve: async (d, _args, context) => (await context.loaders.of(defectCodeById).load(d.defectCodeId))!,
    }),
    line: t.field({ type: LineRef, resolve: (d) => lineRefOf(d.lineId) }),
    equipment: t.field({ type: EquipmentRef, nullable: true, resolve: (d) => equipmentRefOf(d.equipmentId) }),
    jobId: t.exposeID("jobId", { nullable: true }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    quantity: t.exposeInt("quantity"),
    note: t.exposeString("note", { nullable: true }),
    recordedById: t.exposeID("recordedById"),
    recordedAt: t.expose("recordedAt", { type: "DateTime" }),
  }),
});

interface ParetoBarShape {
  defectCodeId: string;
  quantity: number;
  share: number;
  cumulativeShare: number;
}

const ParetoBarRef = builder.objectRef<ParetoBarShape>("DefectParetoBar").implement({
  description: "One defect code's share of a line's defects, largest first, with the running share.",
  fields: (t) => ({
    defectCode: t.field({
      type: DefectCodeRef,
      resolve: async (bar, _args, context) => (await context.loaders.of(defectCodeById).load(bar.defectCodeId))!,
    }),
    quantity: t.exposeInt("quantity"),
    share: t.exposeFloat("share"),
    cumulativeShare: t.exposeFloat("cumulativeShare"),
  }),
});

const DefectInput = builder.inputType("DefectInput", {
  fields: (t) => ({
    defectCodeId: t.id({ required: true }),
    lineId: t.id({ required: true }),
    equipmentId: t.id(),
    jobId: t.id(),
    workOrderId: t.id(),
    quantity: t.int({ required: true }),
    note: t.string(),
  }),
});

builder.objectFields(LineRef, (t) => ({
  defectPareto: t.field({
    type: [ParetoBarRef],
    listSize: { assumedSize: 20 },
    description: "The line's defects per code over a range, largest first.",
    authScopes: { permission: "quality:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (line, args, context) => defectPareto(context.prisma, line.id, args.from, args.to),
  }),
}));

builder.queryFields((t) => ({
  defectCodes: t.prismaField({
    type: [DefectCodeRef],
    listSize: { assumedSize: 20 },
    description: "The defect tree's top level (categories); their children hang below.",
    authScopes: { permission: "quality:read" },
    args: { includeInactive: t.arg.boolean({ defaultValue: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.defectCode.findMany({
        ...query,
        where: { parentId: null, ...(args.includeInactive ? {} : { active: true }) },
        orderBy: { code: "asc" },
      }),
  }),
  defects: t.prismaField({
    type: [DefectRecordRef],
    listSize: { assumedSize: 200 },
    description: "Defects recorded on a line in a range, newest first.",
    authScopes: { permission: "quality:read" },
    args: {
      lineId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    resolve: (query, _root, args, context) =>
      context.prisma.defectRecord.findMany({
        ...query,
        where: { lineId: uuidArgument(args.lineId, "lineId"), recordedAt: { gte: args.from, lt: args.to } },
        orderBy: { recordedAt: "desc" },
        take: 1000,
      }),
  }),
}));

builder.mutationFields((t) => ({
  recordDefect: t.field({
    type: DefectRecordRef,
    description: "Records defects found at the line.",
    authScopes: { permission: "quality:perform" },
    errors: { types: CHANGE_ERRORS },
    args: { input: t.arg({ type: DefectInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const runtime = qualityRuntimeOf(context);
      const defect = await recordDefect(
        context.prisma,
        userActorOf(context),
        {
          ...input,
          defectCodeId: uuidArgument(input.defectCodeId, "defectCodeId"),
          lineId: uuidArgument(input.lineId, "lineId"),
          equipmentId: input.equipmentId ? uuidArgument(input.equipmentId, "equipmentId") : null,
          jobId: input.jobId ? uuidArgument(input.jobId, "jobId") : null,
          workOrderId: input.workOrderId ? uuidArgument(input.workOrderId, "workOrderId") : null,
        },
        runtime.now(),
      );
      await runtime.publish([{ kind: "defect-recorded", defectId: defect.id, lineId: defect.lineId }]);
      return defect;
    },
  }),
}));
