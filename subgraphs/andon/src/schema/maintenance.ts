// Maintenance work orders: the types, the queries (one, a list, MTBF/MTTR per equipment) and the
// workflow mutations, each returning the row or a typed refusal from maintenance/maintenance-errors.ts.
import type { MaintenancePartUsage, MaintenanceStatus, MaintenanceTask, MaintenanceWorkOrder, Prisma } from "@ms5/db";
import { ApiError, defineLoader, ExpectedError, InputInvalid, NotFound, type SubgraphContext } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { InvalidMaintenanceTransition, MaintenanceTasksOpen } from "../maintenance/maintenance-errors.ts";
import { type EquipmentReliability, equipmentReliability } from "../maintenance/maintenance-reliability.ts";
import {
  addMaintenanceTask,
  assignWorkOrder,
  cancelWorkOrder,
  completeWorkOrder,
  createWorkOrder,
  finishMaintenanceTask,
  holdWorkOrder,
  logMaintenanceTime,
  type MaintenanceActor,
  recordPartUsage,
  startWorkOrder,
} from "../maintenance/maintenance-workflow.ts";
import { AndonEventRef, AndonPriorityEnum } from "./andon.ts";
import { EquipmentRef } from "./plant-refs.ts";
import { afterNewestFirst, CONNECTION_LIST_SIZE, connectionRef, newestFirstPage } from "./relay-connection.ts";
import { nowFor } from "./schema-clock.ts";

/** @default 100 work orders per list */
const MAX_WORK_ORDERS_LISTED = 100;

function actorOf(context: SubgraphContext): MaintenanceActor {
  const { identity } = context;
  if (identity.kind === "user") return { userId: identity.userId };
  if (identity.kind === "service") return { serviceAccountId: identity.serviceAccountId };
  throw new ApiError("UNAUTHENTICATED", "Sign in first.");
}

const MaintenanceTypeEnum = builder.enumType("MaintenanceType", {
  values: ["CORRECTIVE", "PREVENTIVE", "PREDICTIVE", "INSPECTION"] as const,
});
const MaintenanceStatusEnum = builder.enumType("MaintenanceStatus", {
  description: "OPEN -> ASSIGNED -> IN_PROGRESS <-> ON_HOLD -> COMPLETED; CANCELLED before the work is done.",
  values: ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD", "COMPLETED", "CANCELLED"] as const,
});
const MaintenanceTaskStatusEnum = builder.enumType("MaintenanceTaskStatus", {
  values: ["TODO", "DONE", "SKIPPED"] as const,
});
const FinishedTaskStatusEnum = builder.enumType("MaintenanceTaskOutcome", {
  values: ["DONE", "SKIPPED"] as const,
});

builder.objectType(InvalidMaintenanceTransition, {
  name: "InvalidMaintenanceTransition",
  description: "The work order's status does not allow this step; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    workOrderId: t.exposeID("workOrderId"),
    from: t.field({ type: MaintenanceStatusEnum, resolve: (error) => error.from }),
    to: t.field({ type: MaintenanceStatusEnum, nullable: true, resolve: (error) => error.to }),
  }),
});
builder.objectType(MaintenanceTasksOpen, {
  name: "MaintenanceTasksOpen",
  description: "Tasks are still to do; mark them done or skipped before completing. Nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    workOrderId: t.exposeID("workOrderId"),
    openTaskIds: t.exposeIDList("openTaskIds"),
  }),
});

const tasksOfWorkOrder = defineLoader<string, MaintenanceTask[]>(async (ids, { prisma }) => {
  const rows = await prisma.maintenanceTask.findMany({
    where: { workOrderId: { in: [...ids] } },
    orderBy: { position: "asc" },
  });
  return ids.map((id) => rows.filter((row) => row.workOrderId === id));
});
const partsOfWorkOrder = defineLoader<string, MaintenancePartUsage[]>(async (ids, { prisma }) => {
  const rows = await prisma.maintenancePartUsage.findMany({ where: { workOrderId: { in: [...ids] } } });
  return ids.map((id) => rows.filter((row) => row.workOrderId === id));
});

/** Money is summed in cents so a bill of many parts does not drift by floating-point error. */
function centsOfPart(part: MaintenancePartUsage): number | null {
  // unitCost is stored to the cent (numeric(12,2)), so its cents are a whole number.
  if (part.unitCost === null) return null;
  return Math.round(part.quantity * Math.round(Number(part.unitCost) * 100));
}

function costOfPart(part: MaintenancePartUsage): number | null {
  const cents = centsOfPart(part);
  return cents === null ? null : cents / 100;
}

function totalPartsCost(parts: readonly MaintenancePartUsage[]): number {
  return parts.reduce((sum, part) => sum + (centsOfPart(part) ?? 0), 0) / 100;
}

const MaintenanceTaskRef = builder.prismaObject("MaintenanceTask", {
  authScopes: { permission: "maintenance:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    workOrderId: t.exposeID("workOrderId"),
    position: t.exposeInt("position"),
    description: t.exposeString("description"),
    status: t.field({ type: MaintenanceTaskStatusEnum, resolve: (task) => task.status }),
    assigneeId: t.exposeID("assigneeId", { nullable: true }),
    minutesSpent: t.exposeInt("minutesSpent"),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
  }),
});

const MaintenancePartUsageRef = builder.prismaObject("MaintenancePartUsage", {
  authScopes: { permission: "maintenance:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    partNumber: t.exposeString("partNumber"),
    description: t.exposeString("description", { nullable: true }),
    quantity: t.exposeFloat("quantity"),
    unitCost: t.float({
      nullable: true,
      resolve: (part) => (part.unitCost === null ? null : Number(part.unitCost)),
    }),
    cost: t.float({
      nullable: true,
      description: "quantity × unitCost, to the cent; null when the part has no unit cost.",
      resolve: (part) => costOfPart(part),
    }),
  }),
});

export const MaintenanceWorkOrderRef = builder.prismaObject("MaintenanceWorkOrder", {
  description: "A maintenance work order on one piece of equipment, from an andon or made by hand.",
  authScopes: { permission: "maintenance:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    number: t.exposeString("number", { description: "MWO-000042: what people say on the radio." }),
    equipment: t.field({ type: EquipmentRef, resolve: (order) => ({ id: order.equipmentId }) }),
    andon: t.relation("andon", { type: AndonEventRef, nullable: true }),
    downtimeEventId: t.exposeID("downtimeEventId", { nullable: true, description: "The stop it repairs." }),
    type: t.field({ type: MaintenanceTypeEnum, resolve: (order) => order.type }),
    priority: t.field({ type: AndonPriorityEnum, resolve: (order) => order.priority }),
    status: t.field({ type: MaintenanceStatusEnum, resolve: (order) => order.status }),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    requestedById: t.exposeID("requestedById", { nullable: true }),
    assigneeId: t.exposeID("assigneeId", { nullable: true }),
    failureCause: t.exposeString("failureCause", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    tasks: t.field({
      type: [MaintenanceTaskRef],
      resolve: (order, _args, context) => context.loaders.of(tasksOfWorkOrder).load(order.id),
    }),
    parts: t.field({
      type: [MaintenancePartUsageRef],
      resolve: (order, _args, context) => context.loaders.of(partsOfWorkOrder).load(order.id),
    }),
    partsCost: t.float({
      description:
        "What its parts cost: the sum of each priced part's quantity × unit cost (unpriced parts add nothing).",
      resolve: async (order, _args, context) =>
        totalPartsCost(await context.loaders.of(partsOfWorkOrder).load(order.id)),
    }),
    unpricedPartCount: t.int({
      description: "Parts recorded without a unit cost, which partsCost leaves out.",
      resolve: async (order, _args, context) =>
        (await context.loaders.of(partsOfWorkOrder).load(order.id)).filter((part) => part.unitCost === null).length,
    }),
    minutesSpent: t.int({
      description: "Time logged on all its tasks.",
      resolve: async (order, _args, context) =>
        (await context.loaders.of(tasksOfWorkOrder).load(order.id)).reduce((sum, task) => sum + task.minutesSpent, 0),
    }),
  }),
});

const EquipmentReliabilityRef = builder.objectRef<EquipmentReliability>("EquipmentReliability").implement({
  description:
    "MTBF and MTTR of one equipment over a window, from its corrective work orders: a failure starts when its stop began (or the order was opened) and ends when the order is completed.",
  fields: (t) => ({
    equipment: t.field({ type: EquipmentRef, resolve: (row) => ({ id: row.equipmentId }) }),
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    failureCount: t.exposeInt("failureCount"),
    repairCount: t.exposeInt("repairCount"),
    operatingSeconds: t.exposeFloat("operatingSeconds", { description: "The window less repair time inside it." }),
    mtbfSeconds: t.exposeFloat("mtbfSeconds", {
      nullable: true,
      description: "operatingSeconds / failureCount; null without failures.",
    }),
    mttrSeconds: t.exposeFloat("mttrSeconds", {
      nullable: true,
      description: "Mean repair time of the repairs completed in the window; null without any.",
    }),
  }),
});

const MaintenanceWorkOrderConnectionRef = connectionRef("MaintenanceWorkOrder", MaintenanceWorkOrderRef);

/** The filter of both work order lists; the unfinished ones when no status is given. */
function workOrderFilterOf(args: {
  equipmentId?: string | number | null;
  lineId?: string | number | null;
  assigneeId?: string | number | null;
  status?: MaintenanceStatus[] | null;
}): Prisma.MaintenanceWorkOrderWhereInput {
  return {
    status: { in: args.status ?? ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD"] },
    ...(args.equipmentId ? { equipmentId: uuidArgument(args.equipmentId, "equipmentId") } : {}),
    ...(args.lineId ? { equipment: { lineId: uuidArgument(args.lineId, "lineId") } } : {}),
    ...(args.assigneeId ? { assigneeId: uuidArgument(args.assigneeId, "assigneeId") } : {}),
  };
}

builder.queryFields((t) => ({
  maintenanceWorkOrder: t.prismaField({
    type: MaintenanceWorkOrderRef,
    nullable: true,
    description: "One work order by id; null when there is none.",
    authScopes: { permission: "maintenance:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.maintenanceWorkOrder.findUnique({ ...query, where: { id: uuidArgument(args.id, "id") } }),
  }),
  maintenanceWorkOrders: t.prismaField({
    listSize: { slicingArguments: ["first"], assumedSize: MAX_WORK_ORDERS_LISTED, requireOneSlicingArgument: false },
    type: [MaintenanceWorkOrderRef],
    description: `Work orders, newest first (at most ${MAX_WORK_ORDERS_LISTED}); the unfinished ones when no status is given.`,
    deprecationReason: "Capped at one page: use maintenanceWorkOrdersConnection, which pages with cursors.",
    authScopes: { permission: "maintenance:read" },
    args: {
      equipmentId: t.arg.id({ required: false }),
      lineId: t.arg.id({ required: false }),
      assigneeId: t.arg.id({ required: false }),
      status: t.arg({ type: [MaintenanceStatusEnum], required: false }),
      first: t.arg.int({ required: false }),
    },
    resolve: (query, _root, args, context) => {
      const first = args.first ?? MAX_WORK_ORDERS_LISTED;
      if (first < 1 || first > MAX_WORK_ORDERS_LISTED) {
        throw new ApiError("BAD_USER_INPUT", `first must be 1 to ${MAX_WORK_ORDERS_LISTED}.`);
      }
      return context.prisma.maintenanceWorkOrder.findMany({
        ...query,
        where: workOrderFilterOf(args),
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        take: first,
      });
    },
  }),
  maintenanceWorkOrdersConnection: t.field({
    type: MaintenanceWorkOrderConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Work orders, newest first, a page at a time (Relay cursors: `first` and `after`); the unfinished ones when no status is given.",
    authScopes: { permission: "maintenance:read" },
    args: {
      equipmentId: t.arg.id({ required: false }),
      lineId: t.arg.id({ required: false }),
      assigneeId: t.arg.id({ required: false }),
      status: t.arg({ type: [MaintenanceStatusEnum], required: false }),
      first: t.arg.int({ required: false }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, context) => {
      const where = workOrderFilterOf(args);
      return newestFirstPage<MaintenanceWorkOrder>({
        list: "maintenanceWorkOrders",
        args,
        timeOf: (order) => order.createdAt,
        fetch: (after, take) =>
          context.prisma.maintenanceWorkOrder.findMany({
            where: { AND: [where, afterNewestFirst("createdAt", after)] },
            orderBy: [{ createdAt: "desc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  equipmentReliability: t.field({
    type: [EquipmentReliabilityRef],
    description: "MTBF and MTTR per equipment over [from, to).",
    authScopes: { permission: "maintenance:read" },
    errors: { types: [InputInvalid] },
    args: {
      equipmentIds: t.arg.idList({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    resolve: (_root, args, context) =>
      equipmentReliability(
        context.prisma,
        args.equipmentIds.map((id) => uuidArgument(id, "equipmentIds")),
        args.from,
        args.to,
      ),
  }),
}));

const CreateMaintenanceWorkOrderInput = builder.inputType("CreateMaintenanceWorkOrderInput", {
  fields: (t) => ({
    equipmentId: t.id({ required: true }),
    type: t.field({ type: MaintenanceTypeEnum, required: true }),
    priority: t.field({ type: AndonPriorityEnum }),
    title: t.string({ required: true }),
    description: t.string(),
    andonId: t.id({ description: "The andon it answers; must be on the same equipment." }),
    downtimeEventId: t.id({ description: "The stop it repairs; must be of the same equipment." }),
    dueAt: t.field({ type: "DateTime" }),
    tasks: t.stringList({ description: "Task descriptions, in order." }),
  }),
});

const MaintenancePartInput = builder.inputType("MaintenancePartInput", {
  fields: (t) => ({
    partNumber: t.string({ required: true }),
    description: t.string(),
    quantity: t.float({ required: true }),
    unitCost: t.float(),
  }),
});

const lookupErrors = [NotFound, InputInvalid];
const stepErrors = [...lookupErrors, InvalidMaintenanceTransition];
const optionalId = (value: string | number | null | undefined, name: string) =>
  value == null ? null : uuidArgument(value, name);

builder.mutationFields((t) => ({
  createMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Opens a work order by hand (maintenance andons get theirs automatically).",
    authScopes: { permission: "maintenance:manage" },
    errors: { types: lookupErrors },
    args: { input: t.arg({ type: CreateMaintenanceWorkOrderInput, required: true }) },
    resolve: (_root, { input }, context) =>
      createWorkOrder(
        context.prisma,
        {
          ...input,
          equipmentId: uuidArgument(input.equipmentId, "equipmentId"),
          andonId: optionalId(input.andonId, "andonId"),
          downtimeEventId: optionalId(input.downtimeEventId, "downtimeEventId"),
        },
        actorOf(context),
        nowFor(context),
      ),
  }),
  assignMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Assigns (or reassigns) a work order to a technician.",
    authScopes: { permission: "maintenance:manage" },
    errors: { types: stepErrors },
    args: { workOrderId: t.arg.id({ required: true }), assigneeId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      assignWorkOrder(
        context.prisma,
        uuidArgument(args.workOrderId, "workOrderId"),
        uuidArgument(args.assigneeId, "assigneeId"),
        actorOf(context),
        nowFor(context),
      ),
  }),
  startMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Starts or resumes the work; an unassigned order is taken by whoever starts it.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: { workOrderId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      startWorkOrder(context.prisma, uuidArgument(args.workOrderId, "workOrderId"), actorOf(context), nowFor(context)),
  }),
  holdMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Puts work under way on hold (waiting for parts, for the line), with the reason.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: { workOrderId: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      holdWorkOrder(
        context.prisma,
        uuidArgument(args.workOrderId, "workOrderId"),
        args.reason,
        actorOf(context),
        nowFor(context),
      ),
  }),
  completeMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Completes the work; a corrective order needs its failure cause and no task left to do.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: [...stepErrors, MaintenanceTasksOpen] },
    args: { workOrderId: t.arg.id({ required: true }), failureCause: t.arg.string() },
    resolve: (_root, args, context) =>
      completeWorkOrder(
        context.prisma,
        uuidArgument(args.workOrderId, "workOrderId"),
        args.failureCause,
        actorOf(context),
        nowFor(context),
      ),
  }),
  cancelMaintenanceWorkOrder: t.field({
    type: MaintenanceWorkOrderRef,
    description: "Cancels a work order not under way, with the reason.",
    authScopes: { permission: "maintenance:manage" },
    errors: { types: stepErrors },
    args: { workOrderId: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      cancelWorkOrder(
        context.prisma,
        uuidArgument(args.workOrderId, "workOrderId"),
        args.reason,
        actorOf(context),
        nowFor(context),
      ),
  }),
  addMaintenanceTask: t.field({
    type: MaintenanceTaskRef,
    description: "Adds a task at the end of an unfinished work order.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: {
      workOrderId: t.arg.id({ required: true }),
      description: t.arg.string({ required: true }),
      assigneeId: t.arg.id(),
    },
    resolve: (_root, args, context) =>
      addMaintenanceTask(context.prisma, uuidArgument(args.workOrderId, "workOrderId"), {
        description: args.description,
        assigneeId: optionalId(args.assigneeId, "assigneeId"),
      }),
  }),
  finishMaintenanceTask: t.field({
    type: MaintenanceTaskRef,
    description: "Marks a task DONE or SKIPPED on a work order under way, adding the minutes it took.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: {
      taskId: t.arg.id({ required: true }),
      outcome: t.arg({ type: FinishedTaskStatusEnum, required: true }),
      minutesSpent: t.arg.int(),
    },
    resolve: (_root, args, context) =>
      finishMaintenanceTask(
        context.prisma,
        uuidArgument(args.taskId, "taskId"),
        { status: args.outcome, minutesSpent: args.minutesSpent },
        actorOf(context),
        nowFor(context),
      ),
  }),
  logMaintenanceTime: t.field({
    type: MaintenanceTaskRef,
    description: "Adds minutes spent to a task.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: { taskId: t.arg.id({ required: true }), minutes: t.arg.int({ required: true }) },
    resolve: (_root, args, context) =>
      logMaintenanceTime(context.prisma, uuidArgument(args.taskId, "taskId"), args.minutes),
  }),
  recordMaintenancePart: t.field({
    type: MaintenancePartUsageRef,
    description: "Records a part used on an unfinished work order.",
    authScopes: { permission: "maintenance:execute" },
    errors: { types: stepErrors },
    args: { workOrderId: t.arg.id({ required: true }), part: t.arg({ type: MaintenancePartInput, required: true }) },
    resolve: (_root, args, context) =>
      recordPartUsage(context.prisma, uuidArgument(args.workOrderId, "workOrderId"), args.part),
  }),
}));

// The work orders an andon led to, on the andon itself (the type is andons', the field is maintenance's).
builder.prismaObjectField(AndonEventRef, "maintenanceWorkOrders", (t) =>
  t.relation("maintenanceOrders", {
    type: MaintenanceWorkOrderRef,
    description: "Work orders opened for this andon (a maintenance andon opens one when raised).",
    authScopes: { permission: "maintenance:read" },
  }),
);
