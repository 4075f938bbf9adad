// Scrap and rework recorded at the line (scrap:record; operators from the line dashboard), and
// first-pass yield per line, product and range (a shift is a range).
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { qualityRuntimeOf } from "../quality-runtime.ts";
import { announceScrap, firstPassYieldOf, recordScrap } from "../scrap/scrap-records.ts";
import { DefectCodeRef, defectCodeById } from "./defect.ts";
import { EquipmentRef, equipmentRefOf, LineRef, lineRefOf } from "./plant-refs.ts";
import { CHANGE_ERRORS } from "./quality-errors.ts";

export const DispositionEnum = builder.enumType("ScrapDisposition", { values: ["SCRAP", "REWORK"] as const });

export const ScrapRecordRef = builder.prismaObject("ScrapRecord", {
  description:
    "Units scrapped or reworked: how many, why, when they were made, and whether the PLC had counted them as rejects.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    line: t.field({ type: LineRef, resolve: (s) => lineRefOf(s.lineId) }),
    equipment: t.field({ type: EquipmentRef, nullable: true, resolve: (s) => equipmentRefOf(s.equipmentId) }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    jobId: t.exposeID("jobId", { nullable: true }),
    defectCode: t.field({
      type: DefectCodeRef,
      nullable: true,
      resolve: (s, _args, context) => (s.defectCodeId ? context.loaders.of(defectCodeById).load(s.defectCodeId) : null),
    }),
    disposition: t.expose("disposition", { type: DispositionEnum }),
    quantity: t.exposeInt("quantity"),
    duringStartup: t.exposeBoolean("duringStartup", { description: "Startup losses rather than production losses." }),
    madeAt: t.expose("madeAt", {
      type: "DateTime",
      description: "When the units were made: OEE changes in that bucket.",
    }),
    plcCountedAsReject: t.exposeBoolean("plcCountedAsReject", {
      description: "The PLC already counted these as rejects: OEE is not changed again (never counted twice).",
    }),
    reason: t.exposeString("reason", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    reportedById: t.exposeID("reportedById"),
    reportedAt: t.expose("reportedAt", { type: "DateTime" }),
  }),
});

interface FirstPassYieldShape {
  unitsMade: number;
  firstPassGood: number;
  yield: number | null;
}

const FirstPassYieldRef = builder.objectRef<FirstPassYieldShape>("FirstPassYield").implement({
  description:
    "Units good the first time over units made (PLC counts of the line's constraint less later scrap and rework of good units).",
  fields: (t) => ({
    unitsMade: t.exposeInt("unitsMade"),
    firstPassGood: t.exposeInt("firstPassGood"),
    yield: t.exposeFloat("yield", { nullable: true, description: "0–1; null when nothing was made." }),
  }),
});

const ScrapInput = builder.inputType("ScrapInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    equipmentId: t.id({ description: "@default the line's constraint (a line makes what its constraint makes)" }),
    workOrderId: t.id(),
    jobId: t.id(),
    defectCodeId: t.id(),
    disposition: t.field({ type: DispositionEnum, required: true }),
    quantity: t.int({ required: true }),
    duringStartup: t.boolean(),
    madeAt: t.field({ type: "DateTime", description: "When the units were made. @default now" }),
    plcCountedAsReject: t.boolean({ required: true }),
    reason: t.string(),
    note: t.string(),
  }),
});

builder.objectFields(LineRef, (t) => ({
  firstPassYield: t.field({
    type: FirstPassYieldRef,
    description: "First-pass yield of the line over a range (a shift's start and end), optionally of one product.",
    authScopes: { permission: "quality:read" },
    args: {
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      productTypeId: t.arg.id(),
    },
    resolve: (line, args, context) =>
      firstPassYieldOf(context.prisma, {
        lineId: line.id,
        from: args.from,
        to: args.to,
        productTypeId: args.productTypeId ? uuidArgument(args.productTypeId, "productTypeId") : null,
      }),
  }),
  scrapRecords: t.prismaField({
    type: [ScrapRecordRef],
    listSize: { assumedSize: 100 },
    description: "Scrap and rework of the line reported in a range, newest first.",
    authScopes: { permission: "quality:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (query, line, args, context) =>
      context.prisma.scrapRecord.findMany({
        ...query,
        where: { lineId: line.id, reportedAt: { gte: args.from, lt: args.to } },
        orderBy: { reportedAt: "desc" },
        take: 1000,
      }),
  }),
}));

builder.mutationFields((t) => ({
  recordScrap: t.field({
    type: ScrapRecordRef,
    description:
      "Records scrap or rework. Units the PLC counted good move from good to reject in the OEE bucket they were made in; units it counted as rejects are not counted again.",
    authScopes: { permission: "scrap:record" },
    errors: { types: CHANGE_ERRORS },
    args: { input: t.arg({ type: ScrapInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const runtime = qualityRuntimeOf(context);
      const scrap = await recordScrap(
        context.prisma,
        userActorOf(context),
        {
          ...input,
          lineId: uuidArgument(input.lineId, "lineId"),
          equipmentId: input.equipmentId ? uuidArgument(input.equipmentId, "equipmentId") : null,
          workOrderId: input.workOrderId ? uuidArgument(input.workOrderId, "workOrderId") : null,
          jobId: input.jobId ? uuidArgument(input.jobId, "jobId") : null,
          defectCodeId: input.defectCodeId ? uuidArgument(input.defectCodeId, "defectCodeId") : null,
        },
        runtime.now(),
      );
      await announceScrap(runtime.redis, runtime.keyPrefix, scrap, context.logger);
      return scrap;
    },
  }),
}));
