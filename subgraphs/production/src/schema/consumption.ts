// Material consumption (recorded on the floor) and energy (from the PLC energy meter) against good
// output: the consumption records, the mutation that records one, and per-unit figures on work
// orders, jobs, equipment and lines, each batched through a loader.
import type { Equipment, JobAssignment, Line, MaterialConsumption, Prisma, WorkOrder } from "@ms5/db";
import {
  ApiError,
  afterKeyset,
  CONNECTION_DEFAULTS,
  CONNECTION_LIST_SIZE,
  defineLoader,
  InputInvalid,
  keysetPage,
  NotFound,
} from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import {
  type FigureWindow,
  figuresOfWindows,
  type MaterialTotal,
  materialTotals,
  perGoodUnit,
} from "../consumption/consumption-figures.ts";
import { ADMIN_ERRORS } from "../plant-admin/admin-errors.ts";
import { codeText, optionalText, positiveNumber, requiredText } from "../plant-admin/admin-input.ts";
import { auditedChange } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { JobRef, userActorOf } from "./job.ts";
import { EquipmentRef, equipmentById, LineRef, lineById } from "./plant.ts";
import { connectionRef } from "./relay-connection.ts";
import { WorkOrderRef } from "./work-order.ts";

/** Limits of consumption figures. */
export const CONSUMPTION_DEFAULTS = {
  /** @default 366 days: the longest window an energy figure sums over. */
  maxWindowDays: 366,
  /** @default 5 minutes: how far ahead of the server clock a consumption may be dated (tablet clocks drift). */
  maxFutureSkewMs: 5 * 60_000,
} as const;

const DAY_MS = 86_400_000;

export interface ConsumptionFigures {
  from: Date | null;
  to: Date | null;
  goodUnits: number;
  /** COUNTED from the PLC over the window, or REPORTED by the operator who completed the job. */
  goodUnitsSource: "COUNTED" | "REPORTED";
  materials: MaterialTotal[];
  energyKwh: number;
}

export interface EnergyUsage {
  from: Date;
  to: Date;
  kwh: number;
  goodUnits: number;
}

const constraintOfLine = defineLoader<string, string | null>(async (lineIds, { prisma }) => {
  const rows = await prisma.equipment.findMany({
    where: { lineId: { in: [...lineIds] }, isConstraint: true },
    select: { id: true, lineId: true },
  });
  return lineIds.map((lineId) => rows.find((row) => row.lineId === lineId)?.id ?? null);
});

const workOrderConsumption = defineLoader<WorkOrder, ConsumptionFigures, string>(
  async (orders, context) => {
    const now = new Date();
    const constraints = await context.loaders.of(constraintOfLine).loadMany(orders.map((order) => order.lineId));
    const windows: FigureWindow[] = [];
    orders.forEach((order, index) => {
      if (!order.actualStart) return;
      const constraint = constraints[index];
      windows.push({
        key: order.id,
        countEquipmentId: typeof constraint === "string" ? constraint : null,
        energy: { lineId: order.lineId },
        from: order.actualStart,
        to: order.actualEnd ?? now,
      });
    });
    const [figures, materials] = await Promise.all([
      figuresOfWindows(context.prisma, windows),
      materialTotals(
        context.prisma,
        "workOrderId",
        orders.map((order) => order.id),
      ),
    ]);
    return orders.map((order) => ({
      from: order.actualStart,
      to: order.actualStart ? (order.actualEnd ?? now) : null,
      goodUnits: figures.get(order.id)?.goodUnits ?? 0,
      goodUnitsSource: "COUNTED" as const,
      materials: materials.get(order.id) ?? [],
      energyKwh: figures.get(order.id)?.kwh ?? 0,
    }));
  },
  { cacheKeyFn: (order) => order.id },
);

const jobConsumption = defineLoader<JobAssignment, ConsumptionFigures, string>(
  async (jobs, context) => {
    const now = new Date();
    const constraints = await context.loaders.of(constraintOfLine).loadMany(jobs.map((job) => job.lineId));
    const windows: FigureWindow[] = [];
    const windowOf = (job: JobAssignment) =>
      job.startedAt ? { from: job.startedAt, to: job.completedAt ?? job.cancelledAt ?? now } : null;
    jobs.forEach((job, index) => {
      const window = windowOf(job);
      if (!window) return;
      const constraint = constraints[index];
      windows.push({
        key: job.id,
        countEquipmentId: job.equipmentId ?? (typeof constraint === "string" ? constraint : null),
        energy: job.equipmentId ? { equipmentId: job.equipmentId } : { lineId: job.lineId },
        ...window,
      });
    });
    const [figures, materials] = await Promise.all([
      figuresOfWindows(context.prisma, windows),
      materialTotals(
        context.prisma,
        "jobId",
        jobs.map((job) => job.id),
      ),
    ]);
    return jobs.map((job) => {
      const window = windowOf(job);
      const reported = job.status === "COMPLETED" && job.actualGoodQuantity !== null;
      return {
        from: window?.from ?? null,
        to: window?.to ?? null,
        goodUnits: reported ? (job.actualGoodQuantity as number) : (figures.get(job.id)?.goodUnits ?? 0),
        goodUnitsSource: reported ? ("REPORTED" as const) : ("COUNTED" as const),
        materials: materials.get(job.id) ?? [],
        energyKwh: figures.get(job.id)?.kwh ?? 0,
      };
    });
  },
  { cacheKeyFn: (job) => job.id },
);

interface EnergyRequest {
  subject: { equipment: Equipment } | { line: Line };
  from: Date;
  to: Date;
}

const energyUsage = defineLoader<EnergyRequest, EnergyUsage, string>(
  async (requests, context) => {
    const lineConstraints = await context.loaders
      .of(constraintOfLine)
      .loadMany(requests.map((request) => ("line" in request.subject ? request.subject.line.id : "")));
    const windows: FigureWindow[] = requests.map((request, index) => {
      const constraint = lineConstraints[index];
      return "equipment" in request.subject
        ? {
            key: String(index),
            countEquipmentId: request.subject.equipment.id,
            energy: { equipmentId: request.subject.equipment.id },
            from: request.from,
            to: request.to,
          }
        : {
            key: String(index),
            countEquipmentId: typeof constraint === "string" ? constraint : null,
            energy: { lineId: request.subject.line.id },
            from: request.from,
            to: request.to,
          };
    });
    const figures = await figuresOfWindows(context.prisma, windows);
    return requests.map((request, index) => ({
      from: request.from,
      to: request.to,
      kwh: figures.get(String(index))?.kwh ?? 0,
      goodUnits: figures.get(String(index))?.goodUnits ?? 0,
    }));
  },
  {
    cacheKeyFn: (request) =>
      `${"equipment" in request.subject ? `e:${request.subject.equipment.id}` : `l:${request.subject.line.id}`}|${request.from.toISOString()}|${request.to.toISOString()}`,
  },
);

function checkWindow(from: Date, to: Date) {
  if (to <= from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
  if (to.getTime() - from.getTime() > CONSUMPTION_DEFAULTS.maxWindowDays * DAY_MS) {
    throw new ApiError("BAD_USER_INPUT", `A window spans at most ${CONSUMPTION_DEFAULTS.maxWindowDays} days.`);
  }
}

const MaterialUsageRef = builder.objectRef<MaterialTotal & { goodUnits: number }>("MaterialUsage").implement({
  description: "One material used, summed, and per good unit made.",
  fields: (t) => ({
    materialCode: t.exposeString("materialCode"),
    materialName: t.exposeString("materialName", { nullable: true }),
    unit: t.exposeString("unit"),
    quantity: t.exposeFloat("quantity"),
    perGoodUnit: t.float({
      nullable: true,
      description: "quantity / good units; null while nothing good was made.",
      resolve: (usage) => perGoodUnit(usage.quantity, usage.goodUnits),
    }),
  }),
});

const GoodUnitsSourceEnum = builder.enumType("GoodUnitsSource", {
  values: {
    COUNTED: { description: "Counted by the PLC (the line's constraint, or the job's equipment) while the work ran." },
    REPORTED: { description: "Reported by the operator who completed the job." },
  } as const,
});

const ConsumptionFiguresRef = builder.objectRef<ConsumptionFigures>("ConsumptionFigures").implement({
  description: "Material and energy used by a work order or job, against the good units it made.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime", nullable: true, description: "When the work started; null before." }),
    to: t.expose("to", { type: "DateTime", nullable: true, description: "When it ended, or now while it runs." }),
    goodUnits: t.exposeInt("goodUnits"),
    goodUnitsSource: t.field({ type: GoodUnitsSourceEnum, resolve: (figures) => figures.goodUnitsSource }),
    materials: t.field({
      type: [MaterialUsageRef],
      resolve: (figures) => figures.materials.map((material) => ({ ...material, goodUnits: figures.goodUnits })),
    }),
    energyKwh: t.exposeFloat("energyKwh", { description: "From the PLC energy meters over the window." }),
    kwhPerGoodUnit: t.float({
      nullable: true,
      description: "energyKwh / good units; null while nothing good was made.",
      resolve: (figures) => perGoodUnit(figures.energyKwh, figures.goodUnits),
    }),
  }),
});

const EnergyUsageRef = builder.objectRef<EnergyUsage>("EnergyUsage").implement({
  description: "Energy from the PLC energy meters over [from, to), against the good units counted.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    kwh: t.exposeFloat("kwh"),
    goodUnits: t.exposeInt("goodUnits"),
    kwhPerGoodUnit: t.float({
      nullable: true,
      description: "kWh / good units; null when nothing good was counted.",
      resolve: (usage) => perGoodUnit(usage.kwh, usage.goodUnits),
    }),
  }),
});

builder.objectFields(WorkOrderRef, (t) => ({
  consumption: t.field({
    type: ConsumptionFiguresRef,
    description: "Material and energy against the good units counted on the line while it ran.",
    authScopes: { permission: "oee:read" },
    resolve: (order, _args, context) => context.loaders.of(workOrderConsumption).load(order),
  }),
}));
builder.objectFields(JobRef, (t) => ({
  consumption: t.field({
    type: ConsumptionFiguresRef,
    description: "Material and energy against the job's good units (reported when completed, counted before).",
    authScopes: { permission: "oee:read" },
    resolve: (job, _args, context) => context.loaders.of(jobConsumption).load(job),
  }),
}));
builder.objectFields(EquipmentRef, (t) => ({
  energyUsage: t.field({
    type: EnergyUsageRef,
    description: "Its energy meter's kWh and its good count over [from, to).",
    authScopes: { permission: "oee:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (equipment, args, context) => {
      checkWindow(args.from, args.to);
      return context.loaders.of(energyUsage).load({ subject: { equipment }, from: args.from, to: args.to });
    },
  }),
}));
builder.objectFields(LineRef, (t) => ({
  energyUsage: t.field({
    type: EnergyUsageRef,
    description: "kWh of all its equipment, against its constraint's good count, over [from, to).",
    authScopes: { permission: "oee:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (line, args, context) => {
      checkWindow(args.from, args.to);
      return context.loaders.of(energyUsage).load({ subject: { line }, from: args.from, to: args.to });
    },
  }),
}));

export const MaterialConsumptionRef = builder.prismaObject("MaterialConsumption", {
  description: "Material used on a line, recorded on the floor (by work order and job when known).",
  authScopes: { permission: "oee:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    materialCode: t.exposeString("materialCode"),
    materialName: t.exposeString("materialName", { nullable: true }),
    lotNumber: t.exposeString("lotNumber", { nullable: true }),
    quantity: t.exposeFloat("quantity"),
    unit: t.exposeString("unit"),
    consumedAt: t.expose("consumedAt", { type: "DateTime" }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    jobId: t.exposeID("jobId", { nullable: true }),
    recordedById: t.exposeID("recordedById"),
    line: t.field({
      type: LineRef,
      resolve: async (row, _args, context) => {
        const line = await context.loaders.of(lineById).load(row.lineId);
        if (!line) throw new Error(`line of consumption ${row.id} vanished`);
        return line;
      },
    }),
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      resolve: (row, _args, context) =>
        row.equipmentId ? context.loaders.of(equipmentById).load(row.equipmentId) : null,
    }),
  }),
});

const MaterialConsumptionConnectionRef = connectionRef("MaterialConsumption", MaterialConsumptionRef);

const optionalUuid = (value: string | number | null | undefined, name: string) =>
  value === null || value === undefined ? undefined : uuidArgument(value, name);

builder.queryFields((t) => ({
  materialConsumption: t.field({
    type: MaterialConsumptionConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Recorded material consumption, oldest first, a page at a time.",
    authScopes: { permission: "oee:read" },
    args: {
      first: t.arg.int({
        description: `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`,
      }),
      after: t.arg.string(),
      lineId: t.arg.id(),
      workOrderId: t.arg.id(),
      jobId: t.arg.id(),
      materialCode: t.arg.string(),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, { prisma }) => {
      const lineId = optionalUuid(args.lineId, "lineId");
      const workOrderId = optionalUuid(args.workOrderId, "workOrderId");
      const jobId = optionalUuid(args.jobId, "jobId");
      if (args.from && args.to && args.to <= args.from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
      return keysetPage<MaterialConsumption>({
        list: "material-consumption",
        args,
        sortOf: (row) => row.consumedAt,
        fetch: (after, take) =>
          prisma.materialConsumption.findMany({
            where: {
              AND: [
                afterKeyset("consumedAt", after) as Prisma.MaterialConsumptionWhereInput,
                lineId ? { lineId } : {},
                workOrderId ? { workOrderId } : {},
                jobId ? { jobId } : {},
                args.materialCode ? { materialCode: args.materialCode } : {},
                args.from ? { consumedAt: { gte: args.from } } : {},
                args.to ? { consumedAt: { lt: args.to } } : {},
              ],
            },
            orderBy: [{ consumedAt: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
}));

const RecordMaterialConsumptionInput = builder.inputType("RecordMaterialConsumptionInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    equipmentId: t.id(),
    workOrderId: t.id({ description: "A work order of the same line." }),
    jobId: t.id({ description: "A job of the same line; its work order is taken when none is given." }),
    materialCode: t.string({ required: true }),
    materialName: t.string(),
    lotNumber: t.string(),
    quantity: t.float({ required: true, description: "Above zero, in `unit`." }),
    unit: t.string({ required: true, description: "kg, m, each..." }),
    consumedAt: t.field({ type: "DateTime", description: "Now when omitted." }),
  }),
});

builder.mutationFields((t) => ({
  recordMaterialConsumption: t.field({
    type: MaterialConsumptionRef,
    description: "Records material used on a line, for a work order or job when given.",
    authScopes: { permission: "material:record" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: RecordMaterialConsumptionInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const { userId } = userActorOf(context);
      const lineId = uuidArgument(input.lineId, "lineId");
      const equipmentId = optionalUuid(input.equipmentId, "equipmentId");
      const workOrderId = optionalUuid(input.workOrderId, "workOrderId");
      const jobId = optionalUuid(input.jobId, "jobId");
      const quantity = positiveNumber(input.quantity, "quantity") as number;
      const consumedAt = input.consumedAt ?? new Date();
      if (consumedAt.getTime() > Date.now() + CONSUMPTION_DEFAULTS.maxFutureSkewMs) {
        throw new InputInvalid("consumedAt", "Consumption cannot be dated in the future.");
      }
      const fields = {
        materialCode: codeText(input.materialCode, "materialCode"),
        materialName: optionalText(input.materialName, "materialName") ?? null,
        lotNumber: optionalText(input.lotNumber, "lotNumber", 64) ?? null,
        unit: requiredText(input.unit, "unit", 20),
      };
      return auditedChange(context, "material consumption", async (tx) => {
        if (!(await tx.line.findUnique({ where: { id: lineId } }))) throw new NotFound("line", lineId);
        if (equipmentId) {
          const equipment = await tx.equipment.findUnique({ where: { id: equipmentId } });
          if (!equipment) throw new NotFound("equipment", equipmentId);
          if (equipment.lineId !== lineId) throw new InputInvalid("equipmentId", "The equipment is not on that line.");
        }
        let orderId = workOrderId ?? null;
        if (jobId) {
          const job = await tx.jobAssignment.findUnique({ where: { id: jobId } });
          if (!job) throw new NotFound("job", jobId);
          if (job.lineId !== lineId) throw new InputInvalid("jobId", "The job is on another line.");
          if (orderId && job.workOrderId && job.workOrderId !== orderId) {
            throw new InputInvalid("workOrderId", "The job belongs to another work order.");
          }
          orderId ??= job.workOrderId;
        }
        if (workOrderId) {
          const order = await tx.workOrder.findUnique({ where: { id: workOrderId } });
          if (!order) throw new NotFound("work order", workOrderId);
          if (order.lineId !== lineId) throw new InputInvalid("workOrderId", "The work order is for another line.");
        }
        const row = await tx.materialConsumption.create({
          data: {
            lineId,
            equipmentId: equipmentId ?? null,
            workOrderId: orderId,
            jobId: jobId ?? null,
            quantity,
            consumedAt,
            recordedById: userId,
            ...fields,
          },
        });
        return {
          row,
          audit: { action: "material.record", entityType: "MaterialConsumption", entityId: row.id, after: row },
        };
      });
    },
  }),
}));
