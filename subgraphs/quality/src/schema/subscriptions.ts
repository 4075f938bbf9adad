// Live quality subscriptions, fed by the plant's quality channel on Redis pub/sub: each event names
// what changed and the row is read fresh, so any instance can serve any subscriber.

import type { DefectRecord } from "@ms5/db";
import { ApiError, defineLoader, PLANT_WIDE_FEED } from "@ms5/kit/subgraph";
import { builder, type Context, uuidArgument } from "../builder.ts";
import type { QualityEventKind, QualityEventMessage } from "../quality-events/quality-event-message.ts";
import { DefectRecordRef } from "./defect.ts";
import { checkById, QualityCheckRef } from "./quality-check.ts";
import { SpcViolationRef, violationById } from "./spc-chart.ts";

const defectById = defineLoader<string, DefectRecord | null>(async (ids, { prisma }) => {
  const rows = await prisma.defectRecord.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

async function qualityEvents(
  kind: QualityEventKind,
  lineIdArgument: string | number | null | undefined,
  context: Context,
  extra: (event: QualityEventMessage) => boolean = () => true,
): Promise<AsyncIterable<QualityEventMessage>> {
  const bus = context.qualityEvents;
  if (!bus) throw new Error("quality live events are not running on this instance");
  const lineId = lineIdArgument ? uuidArgument(lineIdArgument, "lineId") : null;
  if (lineId && !(await context.prisma.line.findUnique({ where: { id: lineId }, select: { id: true } }))) {
    throw new ApiError("NOT_FOUND", `There is no line ${lineId}.`);
  }
  return bus.events([kind], (event) => (lineId === null || event.lineId === lineId) && extra(event));
}

interface SubgroupsAdded {
  characteristicId: string;
  lineId: string;
  count: number;
}

const SpcSubgroupsAddedRef = builder.objectRef<SubgroupsAdded>("SpcSubgroupsAdded").implement({
  description: "New subgroups joined a characteristic's chart (read the chart again for them).",
  fields: (t) => ({
    characteristicId: t.exposeID("characteristicId"),
    lineId: t.exposeID("lineId"),
    count: t.exposeInt("count", { description: "Subgroups added by this batch." }),
  }),
});

function found<T>(row: T | null, what: string): T {
  if (!row) throw new ApiError("NOT_FOUND", `The ${what} of this event no longer exists.`);
  return row;
}

builder.subscriptionFields((t) => ({
  qualityCheckDue: t.field({
    type: QualityCheckRef,
    description: "Each check as it falls due (by a sampling rule or opened by hand), of one line or of the plant.",
    authScopes: { permission: "quality:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => qualityEvents("check-due", args.lineId, context),
    resolve: async (event: QualityEventMessage, _args, context) =>
      found(await context.loaders.of(checkById).load(event.kind === "check-due" ? event.checkId : ""), "check"),
  }),
  spcViolation: t.field({
    type: SpcViolationRef,
    description: "Each run-rule violation as it is stored (live from the check weigher or from a check).",
    authScopes: { permission: "quality:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }), characteristicId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => {
      const characteristicId = args.characteristicId ? uuidArgument(args.characteristicId, "characteristicId") : null;
      return qualityEvents(
        "spc-violation",
        args.lineId,
        context,
        (event) =>
          characteristicId === null || (event.kind === "spc-violation" && event.characteristicId === characteristicId),
      );
    },
    resolve: async (event: QualityEventMessage, _args, context) =>
      found(
        await context.loaders.of(violationById).load(event.kind === "spc-violation" ? event.violationId : ""),
        "violation",
      ),
  }),
  spcSubgroupsAdded: t.field({
    type: SpcSubgroupsAddedRef,
    description: "Each batch of subgroups the check weigher's weights form on a characteristic's chart.",
    authScopes: { permission: "quality:read" },
    directives: PLANT_WIDE_FEED,
    args: { characteristicId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => {
      const characteristicId = uuidArgument(args.characteristicId, "characteristicId");
      return qualityEvents(
        "spc-subgroups",
        null,
        context,
        (event) => event.kind === "spc-subgroups" && event.characteristicId === characteristicId,
      );
    },
    resolve: (event: QualityEventMessage) => {
      if (event.kind !== "spc-subgroups") throw new ApiError("NOT_FOUND", "Not a subgroup event.");
      return { characteristicId: event.characteristicId, lineId: event.lineId, count: event.count };
    },
  }),
  defectRecorded: t.field({
    type: DefectRecordRef,
    description: "Each defect record as it is made.",
    authScopes: { permission: "quality:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => qualityEvents("defect-recorded", args.lineId, context),
    resolve: async (event: QualityEventMessage, _args, context) =>
      found(
        await context.loaders.of(defectById).load(event.kind === "defect-recorded" ? event.defectId : ""),
        "defect",
      ),
  }),
}));
