// Live state of lines and equipment, as the telemetry consumer keeps it (one row per line and per
// equipment): what a dashboard shows without scanning the state log. What an equipment makes comes
// from the job running on it (recorded by the database on every job change), else from the schedule.
import type { EquipmentLiveState, LineLiveState, ProductSource, WorkOrder } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { EQUIPMENT_STATES } from "@ms5/schema";
import { builder, type Context } from "../builder.ts";
import { EquipmentRef, LineRef, ProductTypeRef, productTypeById } from "./plant.ts";
import { WorkOrderRef, workOrderById } from "./work-order.ts";

const lineLiveStateOf = defineLoader<string, LineLiveState | null>(async (lineIds, { prisma }) => {
  const rows = await prisma.lineLiveState.findMany({ where: { lineId: { in: [...lineIds] } } });
  return lineIds.map((lineId) => rows.find((row) => row.lineId === lineId) ?? null);
});

const equipmentLiveStateOf = defineLoader<string, EquipmentLiveState | null>(async (equipmentIds, { prisma }) => {
  const rows = await prisma.equipmentLiveState.findMany({ where: { equipmentId: { in: [...equipmentIds] } } });
  return equipmentIds.map((equipmentId) => rows.find((row) => row.equipmentId === equipmentId) ?? null);
});

/** The work order scheduled now on each equipment's line: what it makes when no job runs. */
const scheduledWorkOrderOf = defineLoader<string, WorkOrder | null>(async (equipmentIds, { prisma }) => {
  const now = new Date();
  const equipment = await prisma.equipment.findMany({
    where: { id: { in: [...equipmentIds] } },
    select: { id: true, lineId: true },
  });
  const orders = await prisma.workOrder.findMany({
    where: {
      lineId: { in: [...new Set(equipment.map((row) => row.lineId))] },
      plannedStart: { lte: now },
      plannedEnd: { gt: now },
    },
    orderBy: [{ plannedStart: "asc" }, { id: "asc" }],
  });
  return equipmentIds.map((equipmentId) => {
    const lineId = equipment.find((row) => row.id === equipmentId)?.lineId;
    return orders.find((order) => order.lineId === lineId) ?? null;
  });
});

interface CurrentProduction {
  workOrderId: string;
  productTypeId: string;
  source: ProductSource;
}

/** The running job's work order and product, confirmed; else the schedule's, planned only; else nothing. */
async function currentProductionOf(live: EquipmentLiveState, context: Context): Promise<CurrentProduction | null> {
  if (live.currentWorkOrderId && live.currentProductTypeId) {
    return { workOrderId: live.currentWorkOrderId, productTypeId: live.currentProductTypeId, source: "RUNNING_JOB" };
  }
  const scheduled = await context.loaders.of(scheduledWorkOrderOf).load(live.equipmentId);
  return scheduled ? { workOrderId: scheduled.id, productTypeId: scheduled.productTypeId, source: "SCHEDULE" } : null;
}

export const ProductSourceEnum = builder.enumType("ProductSource", {
  description:
    "RUNNING_JOB: confirmed by a job in progress on the equipment or its line. SCHEDULE: only planned by the work order scheduled at that time.",
  values: ["RUNNING_JOB", "SCHEDULE"] as const satisfies readonly ProductSource[],
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
    currentWorkOrder: t.field({
      type: WorkOrderRef,
      nullable: true,
      description: "The running job's work order, else the one scheduled now (see productSource); null when neither.",
      resolve: async (live, _args, context) => {
        const current = await currentProductionOf(live, context);
        return current ? context.loaders.of(workOrderById).load(current.workOrderId) : null;
      },
    }),
    currentProductType: t.field({
      type: ProductTypeRef,
      nullable: true,
      description: "The product of currentWorkOrder.",
      resolve: async (live, _args, context) => {
        const current = await currentProductionOf(live, context);
        return current ? context.loaders.of(productTypeById).load(current.productTypeId) : null;
      },
    }),
    productSource: t.field({
      type: ProductSourceEnum,
      nullable: true,
      description: "Whether currentProductType is confirmed by a running job or only planned by the schedule.",
      resolve: async (live, _args, context) => (await currentProductionOf(live, context))?.source ?? null,
    }),
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
