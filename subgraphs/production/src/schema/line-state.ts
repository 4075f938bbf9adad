// Live state of lines and equipment, as the telemetry consumer keeps it (one row per line and per
// equipment): what a dashboard shows without scanning the state log.
import type { EquipmentLiveState, LineLiveState } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { EQUIPMENT_STATES } from "@ms5/schema";
import { builder } from "../builder.ts";
import { EquipmentRef, LineRef } from "./plant.ts";

const lineLiveStateOf = defineLoader<string, LineLiveState | null>(async (lineIds, { prisma }) => {
  const rows = await prisma.lineLiveState.findMany({ where: { lineId: { in: [...lineIds] } } });
  return lineIds.map((lineId) => rows.find((row) => row.lineId === lineId) ?? null);
});

const equipmentLiveStateOf = defineLoader<string, EquipmentLiveState | null>(async (equipmentIds, { prisma }) => {
  const rows = await prisma.equipmentLiveState.findMany({ where: { equipmentId: { in: [...equipmentIds] } } });
  return equipmentIds.map((equipmentId) => rows.find((row) => row.equipmentId === equipmentId) ?? null);
});

export const EquipmentStateEnum = builder.enumType("EquipmentState", {
  description: "State of an equipment or line. COMMS_LOST means unknown: never counted as downtime.",
  values: EQUIPMENT_STATES,
});

const LineLiveStateRef = builder.objectRef<LineLiveState>("LineLiveState").implement({
  authScopes: { permission: "line-state:read" },
  fields: (t) => ({
    state: t.expose("state", { type: EquipmentStateEnum, description: "Derived from the line's constraint." }),
    since: t.expose("since", { type: "DateTime" }),
  }),
});

const EquipmentLiveStateRef = builder.objectRef<EquipmentLiveState>("EquipmentLiveState").implement({
  authScopes: { permission: "line-state:read" },
  fields: (t) => ({
    state: t.expose("state", { type: EquipmentStateEnum }),
    since: t.expose("since", { type: "DateTime" }),
    speedPerMinute: t.exposeFloat("speedPerMinute", { nullable: true }),
    commsOk: t.exposeBoolean("commsOk", { description: "False while the bridge cannot reach the PLC." }),
    activeFaultCodes: t.exposeStringList("activeFaultCodes"),
    lastSampleAt: t.expose("lastSampleAt", { type: "DateTime", nullable: true }),
  }),
});

builder.objectFields(LineRef, (t) => ({
  liveState: t.field({
    type: LineLiveStateRef,
    nullable: true,
    description: "Null until the first telemetry for the line arrives.",
    authScopes: { permission: "line-state:read" },
    resolve: (line, _args, context) => context.loaders.of(lineLiveStateOf).load(line.id),
  }),
}));

builder.objectFields(EquipmentRef, (t) => ({
  liveState: t.field({
    type: EquipmentLiveStateRef,
    nullable: true,
    description: "Null until the first telemetry for the equipment arrives.",
    authScopes: { permission: "line-state:read" },
    resolve: (equipment, _args, context) => context.loaders.of(equipmentLiveStateOf).load(equipment.id),
  }),
}));
