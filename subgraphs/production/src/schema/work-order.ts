// Schedules and work orders: paged queries with filters, and the admin mutations that create,
// change and move them through their statuses (audited, refused outside the allowed transitions).
import type { Prisma, ProductionSchedule, ScheduleStatus, WorkOrder, WorkOrderStatus } from "@ms5/db";
import {
  ApiError,
  afterKeyset,
  CONNECTION_DEFAULTS,
  CONNECTION_LIST_SIZE,
  defineLoader,
  keysetPage,
  NotFound,
} from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey, InvalidStatusChange } from "../plant-admin/admin-errors.ts";
import { definedOnly, forwardPeriod, optionalText, requiredText, wholeNumber } from "../plant-admin/admin-input.ts";
import { auditedChange, auditedEdit } from "../plant-admin/audited-change.ts";
import {
  checkWorkOrderFields,
  SCHEDULE_TRANSITIONS,
  WORK_ORDER_TRANSITIONS,
  workOrderNumberTaken,
} from "../work-orders/work-order-rules.ts";
import "./admin-errors.ts";
import { JobRef } from "./job.ts";
import { LineRef, lineById, ProductTypeRef, productTypeById } from "./plant.ts";
import { connectionRef } from "./relay-connection.ts";

export const ScheduleStatusEnum = builder.enumType("ScheduleStatus", {
  values: ["DRAFT", "RELEASED", "CLOSED"] as const satisfies readonly ScheduleStatus[],
});
export const WorkOrderStatusEnum = builder.enumType("WorkOrderStatus", {
  values: [
    "PLANNED",
    "RELEASED",
    "IN_PROGRESS",
    "COMPLETED",
    "CANCELLED",
  ] as const satisfies readonly WorkOrderStatus[],
});

export const scheduleById = defineLoader<string, ProductionSchedule | null>(async (ids, { prisma }) => {
  const rows = await prisma.productionSchedule.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const workOrderById = defineLoader<string, WorkOrder | null>(async (ids, { prisma }) => {
  const rows = await prisma.workOrder.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

/** A schedule's work orders, earliest planned start first. */
const workOrdersOfSchedule = defineLoader<string, WorkOrder[]>(async (scheduleIds, { prisma }) => {
  const rows = await prisma.workOrder.findMany({
    where: { scheduleId: { in: [...scheduleIds] } },
    orderBy: [{ plannedStart: "asc" }, { id: "asc" }],
  });
  return scheduleIds.map((scheduleId) => rows.filter((row) => row.scheduleId === scheduleId));
});

function present<Row>(row: Row | null, what: string): Row {
  if (!row) throw new Error(`${what} vanished`);
  return row;
}

export const ScheduleRef = builder.prismaObject("ProductionSchedule", {
  description: "A line's production plan for a period: the work orders to run in it.",
  authScopes: { permission: "schedule:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    periodStart: t.expose("periodStart", { type: "DateTime" }),
    periodEnd: t.expose("periodEnd", { type: "DateTime" }),
    status: t.field({ type: ScheduleStatusEnum, resolve: (schedule) => schedule.status }),
    line: t.field({
      type: LineRef,
      resolve: async (schedule, _args, context) =>
        present(await context.loaders.of(lineById).load(schedule.lineId), `line of schedule ${schedule.id}`),
    }),
  }),
});

export const WorkOrderRef = builder.prismaObject("WorkOrder", {
  description: "An order to make a quantity of one product on one line in a planned window.",
  authScopes: { permission: "schedule:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    number: t.exposeString("number"),
    status: t.field({ type: WorkOrderStatusEnum, resolve: (order) => order.status }),
    priority: t.exposeInt("priority", { description: "Higher runs first when two orders compete." }),
    plannedQuantity: t.exposeInt("plannedQuantity"),
    plannedStart: t.expose("plannedStart", { type: "DateTime" }),
    plannedEnd: t.expose("plannedEnd", { type: "DateTime" }),
    actualStart: t.expose("actualStart", { type: "DateTime", nullable: true }),
    actualEnd: t.expose("actualEnd", { type: "DateTime", nullable: true }),
    goodQuantity: t.exposeInt("goodQuantity"),
    rejectQuantity: t.exposeInt("rejectQuantity"),
    externalSource: t.exposeString("externalSource", { nullable: true, description: "The MES/ERP it came from." }),
    externalRef: t.exposeString("externalRef", { nullable: true, description: "Its id in that system." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    line: t.field({
      type: LineRef,
      resolve: async (order, _args, context) =>
        present(await context.loaders.of(lineById).load(order.lineId), `line of work order ${order.id}`),
    }),
    productType: t.field({
      type: ProductTypeRef,
      resolve: async (order, _args, context) =>
        present(await context.loaders.of(productTypeById).load(order.productTypeId), `product of ${order.id}`),
    }),
    schedule: t.field({
      type: ScheduleRef,
      nullable: true,
      resolve: (order, _args, context) =>
        order.scheduleId ? context.loaders.of(scheduleById).load(order.scheduleId) : null,
    }),
  }),
});
// An entity so other subgraphs add fields to it (quality: the order's holds, checks, defects and scrap).
builder.asEntity(WorkOrderRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(workOrderById).load(id),
});

builder.objectFields(ScheduleRef, (t) => ({
  workOrders: t.field({
    type: [WorkOrderRef],
    description: "Its work orders, earliest planned start first.",
    resolve: (schedule, _args, context) => context.loaders.of(workOrdersOfSchedule).load(schedule.id),
  }),
}));

builder.objectFields(JobRef, (t) => ({
  workOrder: t.field({
    type: WorkOrderRef,
    nullable: true,
    description: "The work order the job is part of (needs schedule:read).",
    authScopes: { permission: "schedule:read" },
    resolve: (job, _args, context) =>
      job.workOrderId ? context.loaders.of(workOrderById).load(job.workOrderId) : null,
  }),
}));

const ScheduleConnectionRef = connectionRef("ProductionSchedule", ScheduleRef);
const WorkOrderConnectionRef = connectionRef("WorkOrder", WorkOrderRef);

const FIRST_DESCRIPTION = `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`;

const optionalUuid = (value: string | number | null | undefined, name: string) =>
  value === null || value === undefined ? undefined : uuidArgument(value, name);

function checkRange(from: Date | null | undefined, to: Date | null | undefined) {
  if (from && to && to <= from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
}

builder.queryFields((t) => ({
  productionSchedules: t.field({
    type: ScheduleConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Schedules ordered by period start, a page at a time; `from`/`to` keep those overlapping [from, to).",
    authScopes: { permission: "schedule:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string(),
      lineId: t.arg.id(),
      status: t.arg({ type: [ScheduleStatusEnum] }),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, { prisma }) => {
      const lineId = optionalUuid(args.lineId, "lineId");
      checkRange(args.from, args.to);
      return keysetPage<ProductionSchedule>({
        list: "schedules",
        args,
        sortOf: (schedule) => schedule.periodStart,
        fetch: (after, take) =>
          prisma.productionSchedule.findMany({
            where: {
              AND: [
                afterKeyset("periodStart", after) as Prisma.ProductionScheduleWhereInput,
                lineId ? { lineId } : {},
                args.status ? { status: { in: args.status } } : {},
                args.from ? { periodEnd: { gt: args.from } } : {},
                args.to ? { periodStart: { lt: args.to } } : {},
              ],
            },
            orderBy: [{ periodStart: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  workOrders: t.field({
    type: WorkOrderConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Work orders ordered by planned start, a page at a time; `from`/`to` keep those planned to overlap [from, to).",
    authScopes: { permission: "schedule:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string(),
      lineId: t.arg.id(),
      scheduleId: t.arg.id(),
      productTypeId: t.arg.id(),
      status: t.arg({ type: [WorkOrderStatusEnum] }),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
      externalSource: t.arg.string({ description: "Only orders imported from this MES/ERP." }),
      search: t.arg.string({ description: "Only orders whose number or external ref contains this (any case)." }),
    },
    resolve: (_root, args, { prisma }) => {
      const lineId = optionalUuid(args.lineId, "lineId");
      const scheduleId = optionalUuid(args.scheduleId, "scheduleId");
      const productTypeId = optionalUuid(args.productTypeId, "productTypeId");
      checkRange(args.from, args.to);
      const search = args.search?.trim();
      return keysetPage<WorkOrder>({
        list: "work-orders",
        args,
        sortOf: (order) => order.plannedStart,
        fetch: (after, take) =>
          prisma.workOrder.findMany({
            where: {
              AND: [
                afterKeyset("plannedStart", after) as Prisma.WorkOrderWhereInput,
                lineId ? { lineId } : {},
                scheduleId ? { scheduleId } : {},
                productTypeId ? { productTypeId } : {},
                args.status ? { status: { in: args.status } } : {},
                args.from ? { plannedEnd: { gt: args.from } } : {},
                args.to ? { plannedStart: { lt: args.to } } : {},
                args.externalSource ? { externalSource: args.externalSource } : {},
                search
                  ? {
                      OR: [
                        { number: { contains: search, mode: "insensitive" } },
                        { externalRef: { contains: search, mode: "insensitive" } },
                      ],
                    }
                  : {},
              ],
            },
            orderBy: [{ plannedStart: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  workOrder: t.field({
    type: WorkOrderRef,
    nullable: true,
    description: "A work order by id or by number (give one).",
    authScopes: { permission: "schedule:read" },
    args: { id: t.arg.id(), number: t.arg.string() },
    resolve: (_root, args, context) => {
      if ((args.id ? 1 : 0) + (args.number ? 1 : 0) !== 1) {
        throw new ApiError("BAD_USER_INPUT", "Give either id or number.");
      }
      if (args.id) return context.loaders.of(workOrderById).load(uuidArgument(args.id, "id"));
      return context.prisma.workOrder.findUnique({ where: { number: args.number as string } });
    },
  }),
}));

const CreateScheduleInput = builder.inputType("CreateProductionScheduleInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    name: t.string({ required: true }),
    periodStart: t.field({ type: "DateTime", required: true }),
    periodEnd: t.field({ type: "DateTime", required: true }),
  }),
});
const UpdateScheduleInput = builder.inputType("UpdateProductionScheduleInput", {
  fields: (t) => ({
    name: t.string(),
    periodStart: t.field({ type: "DateTime" }),
    periodEnd: t.field({ type: "DateTime" }),
  }),
});
const CreateWorkOrderInput = builder.inputType("CreateWorkOrderInput", {
  fields: (t) => ({
    number: t.string({ required: true, description: "Unique order number." }),
    lineId: t.id({ required: true }),
    productTypeId: t.id({ required: true }),
    plannedQuantity: t.int({ required: true }),
    plannedStart: t.field({ type: "DateTime", required: true }),
    plannedEnd: t.field({ type: "DateTime", required: true }),
    scheduleId: t.id({ description: "A schedule of the same line." }),
    priority: t.int(),
    externalSource: t.string(),
    externalRef: t.string(),
  }),
});
const UpdateWorkOrderInput = builder.inputType("UpdateWorkOrderInput", {
  fields: (t) => ({
    productTypeId: t.id(),
    plannedQuantity: t.int(),
    plannedStart: t.field({ type: "DateTime" }),
    plannedEnd: t.field({ type: "DateTime" }),
    scheduleId: t.id(),
    priority: t.int(),
  }),
});

builder.mutationFields((t) => ({
  createProductionSchedule: t.field({
    type: ScheduleRef,
    description: "Adds a DRAFT schedule to a line.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const lineId = uuidArgument(input.lineId, "lineId");
      const name = requiredText(input.name, "name");
      forwardPeriod(input.periodStart, input.periodEnd, "periodEnd");
      return auditedChange(context, "schedule", async (tx) => {
        if (!(await tx.line.findUnique({ where: { id: lineId } }))) throw new NotFound("line", lineId);
        const taken = await tx.productionSchedule.findUnique({
          where: { lineId_periodStart: { lineId, periodStart: input.periodStart } },
        });
        if (taken) throw new DuplicateKey("schedule", "periodStart", input.periodStart.toISOString());
        const row = await tx.productionSchedule.create({
          data: { lineId, name, periodStart: input.periodStart, periodEnd: input.periodEnd },
        });
        return {
          row,
          audit: { action: "schedule.create", entityType: "ProductionSchedule", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateProductionSchedule: t.field({
    type: ScheduleRef,
    description: "Renames a schedule or moves its period; a CLOSED schedule does not change.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateScheduleInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const name = optionalText(args.input.name, "name");
      return auditedEdit(
        context,
        { entity: "schedule", entityType: "ProductionSchedule", action: "schedule.update", id },
        (tx) => tx.productionSchedule.findUnique({ where: { id } }),
        async (tx, before) => {
          if (before.status === "CLOSED") throw new InvalidStatusChange("schedule", id, "CLOSED", "CLOSED");
          const periodStart = args.input.periodStart ?? before.periodStart;
          const periodEnd = args.input.periodEnd ?? before.periodEnd;
          forwardPeriod(periodStart, periodEnd, "periodEnd");
          return tx.productionSchedule.update({
            where: { id },
            data: { periodStart, periodEnd, ...definedOnly({ name }) },
          });
        },
      );
    },
  }),
  changeProductionScheduleStatus: t.field({
    type: ScheduleRef,
    description: "DRAFT -> RELEASED -> CLOSED.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), status: t.arg({ type: ScheduleStatusEnum, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedEdit(
        context,
        { entity: "schedule", entityType: "ProductionSchedule", action: "schedule.status", id },
        (tx) => tx.productionSchedule.findUnique({ where: { id } }),
        async (tx, before) => {
          if (!SCHEDULE_TRANSITIONS[args.status].includes(before.status)) {
            throw new InvalidStatusChange("schedule", id, before.status, args.status);
          }
          const { count } = await tx.productionSchedule.updateMany({
            where: { id, status: before.status },
            data: { status: args.status },
          });
          if (count === 0) throw new InvalidStatusChange("schedule", id, "(changed concurrently)", args.status);
          return tx.productionSchedule.findUniqueOrThrow({ where: { id } });
        },
      );
    },
  }),
  createWorkOrder: t.field({
    type: WorkOrderRef,
    description: "Adds a PLANNED work order.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: CreateWorkOrderInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const fields = {
        number: requiredText(input.number, "number", 64),
        lineId: uuidArgument(input.lineId, "lineId"),
        productTypeId: uuidArgument(input.productTypeId, "productTypeId"),
        scheduleId: optionalUuid(input.scheduleId, "scheduleId") ?? null,
        plannedQuantity: input.plannedQuantity,
        plannedStart: input.plannedStart,
        plannedEnd: input.plannedEnd,
        priority: wholeNumber(input.priority, "priority", { min: -1000, max: 1000 }) ?? 0,
        externalSource: optionalText(input.externalSource, "externalSource", 64) ?? null,
        externalRef: optionalText(input.externalRef, "externalRef", 128) ?? null,
      };
      return auditedChange(context, "work order", async (tx) => {
        await checkWorkOrderFields(tx, fields);
        await workOrderNumberTaken(tx, fields);
        const row = await tx.workOrder.create({ data: fields });
        return { row, audit: { action: "work-order.create", entityType: "WorkOrder", entityId: row.id, after: row } };
      });
    },
  }),
  updateWorkOrder: t.field({
    type: WorkOrderRef,
    description: "Changes a PLANNED or RELEASED work order's product, quantity, window, schedule or priority.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWorkOrderInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      const productTypeId = optionalUuid(input.productTypeId, "productTypeId");
      const scheduleId = optionalUuid(input.scheduleId, "scheduleId");
      return auditedEdit(
        context,
        { entity: "work order", entityType: "WorkOrder", action: "work-order.update", id },
        (tx) => tx.workOrder.findUnique({ where: { id } }),
        async (tx, before) => {
          if (before.status !== "PLANNED" && before.status !== "RELEASED") {
            throw new InvalidStatusChange(
              "work order",
              id,
              before.status,
              before.status,
              `Work order ${before.number} is ${before.status}; only PLANNED or RELEASED orders are changed.`,
            );
          }
          const fields = {
            number: before.number,
            lineId: before.lineId,
            productTypeId: productTypeId ?? before.productTypeId,
            scheduleId: scheduleId ?? before.scheduleId,
            plannedQuantity: input.plannedQuantity ?? before.plannedQuantity,
            plannedStart: input.plannedStart ?? before.plannedStart,
            plannedEnd: input.plannedEnd ?? before.plannedEnd,
            priority: wholeNumber(input.priority, "priority", { min: -1000, max: 1000 }) ?? before.priority,
          };
          await checkWorkOrderFields(tx, fields);
          const { number: _number, lineId: _lineId, ...data } = fields;
          return tx.workOrder.update({ where: { id }, data });
        },
      );
    },
  }),
  changeWorkOrderStatus: t.field({
    type: WorkOrderRef,
    description:
      "PLANNED -> RELEASED -> IN_PROGRESS -> COMPLETED; any open order -> CANCELLED. Start and end times are stamped.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), status: t.arg({ type: WorkOrderStatusEnum, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const to = args.status;
      return auditedEdit(
        context,
        { entity: "work order", entityType: "WorkOrder", action: "work-order.status", id },
        (tx) => tx.workOrder.findUnique({ where: { id } }),
        async (tx, before) => {
          if (!WORK_ORDER_TRANSITIONS[to].includes(before.status)) {
            throw new InvalidStatusChange("work order", id, before.status, to);
          }
          const now = new Date();
          const stamps: Prisma.WorkOrderUpdateManyMutationInput = {};
          if (to === "IN_PROGRESS") stamps.actualStart = now;
          if (to === "COMPLETED" || (to === "CANCELLED" && before.actualStart)) stamps.actualEnd = now;
          // Conditional on the status read, so of two concurrent changes only one applies.
          const { count } = await tx.workOrder.updateMany({
            where: { id, status: before.status },
            data: { ...stamps, status: to },
          });
          if (count === 0) throw new InvalidStatusChange("work order", id, "(changed concurrently)", to);
          return tx.workOrder.findUniqueOrThrow({ where: { id } });
        },
      );
    },
  }),
}));
