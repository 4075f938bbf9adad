// Stops entered by hand for equipment without a PLC: record one (start, end or still open, reason)
// and end an open one. The rules live in downtime-history/manual-stop.ts; this file is the GraphQL surface.
import { ApiError, ExpectedError, InputInvalid, NotFound, type SubgraphContext } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import {
  DowntimeEventSuperseded,
  EquipmentHasPlc,
  endManualStop,
  ManualStopNotOpen,
  ManualStopOverlaps,
  recordManualStop,
} from "../downtime-history/index.ts";
import { publishDowntimeEdited } from "../live-events/downtime-edited.ts";
import { DowntimeCategoryEnum, DowntimeEventRef } from "./downtime.ts";

builder.objectType(ManualStopOverlaps, {
  name: "ManualStopOverlaps",
  description: "The stop would overlap another stop of the same equipment; nothing was recorded.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    equipmentId: t.exposeID("equipmentId"),
    overlappingEventId: t.exposeID("overlappingEventId"),
    overlappingStartedAt: t.expose("overlappingStartedAt", { type: "DateTime" }),
    overlappingEndedAt: t.expose("overlappingEndedAt", { type: "DateTime", nullable: true }),
  }),
});
builder.objectType(EquipmentHasPlc, {
  name: "EquipmentHasPlc",
  description: "The equipment's stops come from its PLC; confirm their reasons instead. Nothing was recorded.",
  interfaces: [ExpectedError],
  fields: (t) => ({ equipmentId: t.exposeID("equipmentId") }),
});
builder.objectType(ManualStopNotOpen, {
  name: "ManualStopNotOpen",
  description: "Only an open stop entered by hand is ended by hand. Nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    downtimeEventId: t.exposeID("downtimeEventId"),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
  }),
});

const RecordManualStopInput = builder.inputType("RecordManualStopInput", {
  fields: (t) => ({
    equipmentId: t.id({ required: true }),
    startedAt: t.field({ type: "DateTime", required: true }),
    endedAt: t.field({ type: "DateTime", description: "Leave out while the equipment is still stopped." }),
    reasonCodeId: t.id({ required: true }),
    category: t.field({ type: DowntimeCategoryEnum, description: "The reason's category when omitted." }),
    note: t.string(),
  }),
});

function personOf(context: SubgraphContext): string {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a person may enter a stop: the audit trail names who did it.");
  }
  return context.identity.userId;
}

const MANUAL_STOP_ERRORS = [InputInvalid, NotFound, ManualStopOverlaps, EquipmentHasPlc];

builder.mutationFields((t) => ({
  recordManualStop: t.field({
    type: DowntimeEventRef,
    description:
      "Records a stop of equipment without a PLC (start, end or still open, reason); refused where it overlaps another stop of that equipment. Counted in the equipment's OEE (and the line's when it is the constraint).",
    authScopes: { permission: "downtime:confirm-reason" },
    errors: { types: MANUAL_STOP_ERRORS },
    args: { input: t.arg({ type: RecordManualStopInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const manager = context.identity.kind === "user" && context.identity.permissions.has("downtime:edit-history");
      const event = await recordManualStop(context.prisma, {
        equipmentId: uuidArgument(input.equipmentId, "equipmentId"),
        startedAt: input.startedAt,
        endedAt: input.endedAt ?? null,
        reasonCodeId: uuidArgument(input.reasonCodeId, "reasonCodeId"),
        category: input.category ?? null,
        note: input.note ?? null,
        performedById: personOf(context),
        source: manager ? "SUPERVISOR" : "OPERATOR",
      });
      await publishDowntimeEdited(context, [event]);
      return event;
    },
  }),
  endManualStop: t.field({
    type: DowntimeEventRef,
    description: "Ends an open stop that was entered by hand; refused where the end would overlap a later stop.",
    authScopes: { permission: "downtime:confirm-reason" },
    errors: { types: [InputInvalid, NotFound, ManualStopOverlaps, ManualStopNotOpen, DowntimeEventSuperseded] },
    args: {
      downtimeEventId: t.arg.id({ required: true }),
      endedAt: t.arg({ type: "DateTime", required: true }),
    },
    resolve: async (_root, args, context) => {
      const event = await endManualStop(context.prisma, {
        downtimeEventId: uuidArgument(args.downtimeEventId, "downtimeEventId"),
        endedAt: args.endedAt,
        performedById: personOf(context),
      });
      await publishDowntimeEdited(context, [event]);
      return event;
    },
  }),
}));
