// Maintenance work orders: created from an andon (automatically for maintenance andons, inside the
// raise transaction) or by hand, then OPEN -> ASSIGNED -> IN_PROGRESS <-> ON_HOLD -> COMPLETED, or
// CANCELLED before work is done. Each transition is one conditional UPDATE, so a concurrent change
// makes it fail cleanly instead of half-applying; each writes an audit row.

import type {
  AndonEvent,
  AndonPriority,
  MaintenancePartUsage,
  MaintenanceStatus,
  MaintenanceTask,
  MaintenanceType,
  MaintenanceWorkOrder,
  Prisma,
  PrismaClient,
} from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { InvalidMaintenanceTransition, MaintenanceTasksOpen } from "./maintenance-errors.ts";

export type Transaction = Prisma.TransactionClient;

export interface MaintenanceActor {
  userId?: string;
  serviceAccountId?: string;
}

/** Tunables of the maintenance workflow. */
export const MAINTENANCE_DEFAULTS = {
  /** @default 200 characters */
  maxTitleLength: 200,
  /** @default 4000 characters — descriptions, causes, notes */
  maxTextLength: 4000,
  /** @default 24 * 60 minutes — the most time one entry may log against a task */
  maxMinutesPerEntry: 24 * 60,
  /** @default 50 tasks on one work order */
  maxTasks: 50,
} as const;

/** Which statuses each operation may start from. */
export const MAINTENANCE_TRANSITIONS = {
  assign: ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD"],
  start: ["OPEN", "ASSIGNED", "ON_HOLD"],
  hold: ["IN_PROGRESS"],
  complete: ["IN_PROGRESS"],
  cancel: ["OPEN", "ASSIGNED", "ON_HOLD"],
  /** Tasks, parts and time can be recorded while the work order is not finished. */
  record: ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD"],
} as const satisfies Record<string, readonly MaintenanceStatus[]>;

function text(field: string, value: string | null | undefined, max: number, required = false): string | null {
  const trimmed = value?.trim() ?? "";
  if (required && !trimmed) throw new InputInvalid(field, `${field} is required.`);
  if (trimmed.length > max) throw new InputInvalid(field, `${field} is longer than ${max} characters.`);
  return trimmed || null;
}

async function nextNumber(tx: Transaction): Promise<string> {
  const [row] = await tx.$queryRaw<{ value: bigint }[]>`SELECT nextval('maintenance_work_order_number_seq') AS value`;
  return `MWO-${String(row!.value).padStart(6, "0")}`;
}

async function audit(
  tx: Transaction,
  actor: MaintenanceActor,
  action: string,
  entityId: string,
  at: Date,
  after: Prisma.InputJsonValue,
): Promise<void> {
  await tx.auditLog.create({
    data: {
      at,
      action,
      entityType: "MaintenanceWorkOrder",
      entityId,
      after,
      ...(actor.userId ? { actorUserId: actor.userId } : {}),
      ...(actor.serviceAccountId ? { actorServiceAccountId: actor.serviceAccountId } : {}),
    },
  });
}

/** The stop the equipment is in right now, if any: the downtime link of its andons and work orders. */
export async function openDowntimeEventId(tx: Transaction, equipmentId: string): Promise<string | null> {
  const stop = await tx.downtimeEvent.findFirst({
    where: { equipmentId, endedAt: null, supersededAt: null },
    select: { id: true },
  });
  return stop?.id ?? null;
}

type AndonForWorkOrder = Pick<
  AndonEvent,
  "id" | "equipmentId" | "type" | "priority" | "note" | "faultCode" | "downtimeEventId" | "raisedById" | "raisedAt"
>;

/**
 * The corrective work order of a maintenance andon, in the caller's transaction (the andon raise),
 * so both commit or neither. Idempotent per andon: a repeat of the fault, or a retried raise, finds
 * the existing order. Returns null for andons that are not maintenance calls or name no equipment.
 */
export async function createWorkOrderForAndon(
  tx: Transaction,
  andon: AndonForWorkOrder,
): Promise<MaintenanceWorkOrder | null> {
  if (andon.type !== "MAINTENANCE" || !andon.equipmentId) return null;
  const existing = await tx.maintenanceWorkOrder.findFirst({ where: { andonId: andon.id } });
  if (existing) return existing;
  const equipment = await tx.equipment.findUnique({ where: { id: andon.equipmentId }, select: { name: true } });
  const what = andon.faultCode ?? andon.note?.trim() ?? "maintenance call";
  const workOrder = await tx.maintenanceWorkOrder.create({
    data: {
      number: await nextNumber(tx),
      equipmentId: andon.equipmentId,
      andonId: andon.id,
      downtimeEventId: andon.downtimeEventId ?? (await openDowntimeEventId(tx, andon.equipmentId)),
      type: "CORRECTIVE",
      priority: andon.priority,
      title: `${equipment?.name ?? "Equipment"}: ${what}`.slice(0, MAINTENANCE_DEFAULTS.maxTitleLength),
      description: andon.note,
      requestedById: andon.raisedById,
      createdAt: andon.raisedAt,
    },
  });
  await audit(
    tx,
    andon.raisedById ? { userId: andon.raisedById } : {},
    "maintenance.create-from-andon",
    workOrder.id,
    andon.raisedAt,
    {
      andonId: andon.id,
      number: workOrder.number,
    },
  );
  return workOrder;
}

export interface CreateWorkOrderInput {
  equipmentId: string;
  type: MaintenanceType;
  priority?: AndonPriority | null;
  title: string;
  description?: string | null;
  andonId?: string | null;
  downtimeEventId?: string | null;
  dueAt?: Date | null;
  tasks?: readonly string[] | null;
}

/** A work order created by hand; an andon or stop it names must be of the same equipment. */
export async function createWorkOrder(
  prisma: PrismaClient,
  input: CreateWorkOrderInput,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  const title = text("title", input.title, MAINTENANCE_DEFAULTS.maxTitleLength, true)!;
  const description = text("description", input.description, MAINTENANCE_DEFAULTS.maxTextLength);
  const tasks = (input.tasks ?? []).map((task) => text("tasks", task, MAINTENANCE_DEFAULTS.maxTextLength, true)!);
  if (tasks.length > MAINTENANCE_DEFAULTS.maxTasks) {
    throw new InputInvalid("tasks", `At most ${MAINTENANCE_DEFAULTS.maxTasks} tasks.`);
  }
  if (input.dueAt && input.dueAt.getTime() < now.getTime()) {
    throw new InputInvalid("dueAt", "dueAt is in the past.");
  }
  return prisma.$transaction(async (tx) => {
    const equipment = await tx.equipment.findUnique({ where: { id: input.equipmentId }, select: { id: true } });
    if (!equipment) throw new NotFound("equipment", input.equipmentId);
    if (input.andonId) {
      const andon = await tx.andonEvent.findUnique({ where: { id: input.andonId }, select: { equipmentId: true } });
      if (!andon) throw new NotFound("andon", input.andonId);
      if (andon.equipmentId !== input.equipmentId) {
        throw new InputInvalid("andonId", "The andon was raised on other equipment.");
      }
    }
    if (input.downtimeEventId) {
      const stop = await tx.downtimeEvent.findUnique({
        where: { id: input.downtimeEventId },
        select: { equipmentId: true },
      });
      if (!stop) throw new NotFound("downtime event", input.downtimeEventId);
      if (stop.equipmentId !== input.equipmentId) {
        throw new InputInvalid("downtimeEventId", "The stop is of other equipment.");
      }
    }
    const workOrder = await tx.maintenanceWorkOrder.create({
      data: {
        number: await nextNumber(tx),
        equipmentId: input.equipmentId,
        andonId: input.andonId ?? null,
        downtimeEventId: input.downtimeEventId ?? null,
        type: input.type,
        priority: input.priority ?? "MEDIUM",
        title,
        description,
        dueAt: input.dueAt ?? null,
        requestedById: actor.userId ?? null,
        createdAt: now,
        tasks: { create: tasks.map((description, position) => ({ position, description })) },
      },
    });
    await audit(tx, actor, "maintenance.create", workOrder.id, now, { number: workOrder.number, type: input.type });
    return workOrder;
  });
}

/**
 * Moves a work order from one of `from` to `to` with `data`, atomically: when the row is not in
 * an allowed status (any more), nothing is written and the typed error names the status it is in.
 */
async function transition(
  tx: Transaction,
  workOrderId: string,
  operation: keyof typeof MAINTENANCE_TRANSITIONS,
  to: MaintenanceStatus | null,
  data: Prisma.MaintenanceWorkOrderUncheckedUpdateManyInput,
): Promise<MaintenanceWorkOrder> {
  const from = MAINTENANCE_TRANSITIONS[operation] as readonly MaintenanceStatus[];
  const { count } = await tx.maintenanceWorkOrder.updateMany({
    where: { id: workOrderId, status: { in: [...from] } },
    data: { ...data, ...(to ? { status: to } : {}) },
  });
  const row = await tx.maintenanceWorkOrder.findUnique({ where: { id: workOrderId } });
  if (!row) throw new NotFound("work order", workOrderId);
  if (count === 0) throw new InvalidMaintenanceTransition(workOrderId, row.status, to, operation);
  return row;
}

async function requireTechnician(tx: Transaction, userId: string): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { active: true, roles: true } });
  if (!user?.active) throw new NotFound("user", userId);
  if (!permissionsOf(user.roles as Role[]).has("maintenance:execute")) {
    throw new InputInvalid("assigneeId", "The assignee cannot work on maintenance orders.");
  }
}

export async function assignWorkOrder(
  prisma: PrismaClient,
  workOrderId: string,
  assigneeId: string,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  return prisma.$transaction(async (tx) => {
    await requireTechnician(tx, assigneeId);
    const current = await tx.maintenanceWorkOrder.findUnique({ where: { id: workOrderId }, select: { status: true } });
    if (!current) throw new NotFound("work order", workOrderId);
    // Assigning an OPEN order makes it ASSIGNED; reassigning one under way keeps its status.
    const to = current.status === "OPEN" ? "ASSIGNED" : null;
    const row = await transition(tx, workOrderId, "assign", to, { assigneeId });
    await audit(tx, actor, "maintenance.assign", workOrderId, now, { assigneeId, status: row.status });
    return row;
  });
}

/** Starts (or resumes) work; an unassigned order is taken by whoever starts it. */
export async function startWorkOrder(
  prisma: PrismaClient,
  workOrderId: string,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  return prisma.$transaction(async (tx) => {
    const current = await tx.maintenanceWorkOrder.findUnique({ where: { id: workOrderId } });
    if (!current) throw new NotFound("work order", workOrderId);
    if (current.status === "OPEN" && !actor.userId) {
      throw new InputInvalid("workOrderId", "Assign the work order before starting it.");
    }
    const row = await transition(tx, workOrderId, "start", "IN_PROGRESS", {
      startedAt: current.startedAt ?? now,
      ...(current.assigneeId ? {} : { assigneeId: actor.userId ?? null }),
    });
    await audit(tx, actor, "maintenance.start", workOrderId, now, { from: current.status });
    return row;
  });
}

export async function holdWorkOrder(
  prisma: PrismaClient,
  workOrderId: string,
  reason: string,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  const why = text("reason", reason, MAINTENANCE_DEFAULTS.maxTextLength, true);
  return prisma.$transaction(async (tx) => {
    const row = await transition(tx, workOrderId, "hold", "ON_HOLD", {});
    await audit(tx, actor, "maintenance.hold", workOrderId, now, { reason: why });
    return row;
  });
}

/** Completes the work; a corrective order needs its failure cause, and no task may be left to do. */
export async function completeWorkOrder(
  prisma: PrismaClient,
  workOrderId: string,
  failureCause: string | null | undefined,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  const cause = text("failureCause", failureCause, MAINTENANCE_DEFAULTS.maxTextLength);
  return prisma.$transaction(async (tx) => {
    // Locked, so a task added meanwhile cannot slip past the open-task check.
    await lockWorkOrder(tx, workOrderId);
    const current = await tx.maintenanceWorkOrder.findUnique({
      where: { id: workOrderId },
      include: { tasks: { where: { status: "TODO" }, select: { id: true } } },
    });
    if (!current) throw new NotFound("work order", workOrderId);
    if (current.status === "IN_PROGRESS") {
      if (current.tasks.length > 0)
        throw new MaintenanceTasksOpen(
          workOrderId,
          current.tasks.map((task) => task.id),
        );
      if (current.type === "CORRECTIVE" && !cause) {
        throw new InputInvalid("failureCause", "A corrective work order needs its failure cause.");
      }
    }
    const row = await transition(tx, workOrderId, "complete", "COMPLETED", {
      completedAt: now,
      ...(cause ? { failureCause: cause } : {}),
    });
    await audit(tx, actor, "maintenance.complete", workOrderId, now, { failureCause: cause });
    return row;
  });
}

export async function cancelWorkOrder(
  prisma: PrismaClient,
  workOrderId: string,
  reason: string,
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceWorkOrder> {
  const why = text("reason", reason, MAINTENANCE_DEFAULTS.maxTextLength, true);
  return prisma.$transaction(async (tx) => {
    const row = await transition(tx, workOrderId, "cancel", "CANCELLED", {});
    await audit(tx, actor, "maintenance.cancel", workOrderId, now, { reason: why });
    return row;
  });
}

/** Locks the work order row and checks tasks, parts and time may still be recorded on it. */
async function lockWorkOrder(tx: Transaction, workOrderId: string): Promise<boolean> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM maintenance_work_order WHERE id = ${workOrderId}::uuid FOR UPDATE`;
  return locked.length > 0;
}

async function recordable(tx: Transaction, workOrderId: string): Promise<MaintenanceWorkOrder> {
  const row = (await lockWorkOrder(tx, workOrderId))
    ? await tx.maintenanceWorkOrder.findUnique({ where: { id: workOrderId } })
    : null;
  if (!row) throw new NotFound("work order", workOrderId);
  if (!(MAINTENANCE_TRANSITIONS.record as readonly MaintenanceStatus[]).includes(row.status)) {
    throw new InvalidMaintenanceTransition(workOrderId, row.status, null, "take tasks, parts or time");
  }
  return row;
}

export async function addMaintenanceTask(
  prisma: PrismaClient,
  workOrderId: string,
  input: { description: string; assigneeId?: string | null },
): Promise<MaintenanceTask> {
  const description = text("description", input.description, MAINTENANCE_DEFAULTS.maxTextLength, true)!;
  return prisma.$transaction(async (tx) => {
    await recordable(tx, workOrderId);
    if (input.assigneeId) await requireTechnician(tx, input.assigneeId);
    const last = await tx.maintenanceTask.findFirst({ where: { workOrderId }, orderBy: { position: "desc" } });
    const position = last ? last.position + 1 : 0;
    if (position >= MAINTENANCE_DEFAULTS.maxTasks) {
      throw new InputInvalid("description", `At most ${MAINTENANCE_DEFAULTS.maxTasks} tasks.`);
    }
    return tx.maintenanceTask.create({
      data: { workOrderId, position, description, assigneeId: input.assigneeId ?? null },
    });
  });
}

function minutes(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAINTENANCE_DEFAULTS.maxMinutesPerEntry) {
    throw new InputInvalid(
      "minutes",
      `Minutes must be a whole number from 0 to ${MAINTENANCE_DEFAULTS.maxMinutesPerEntry}.`,
    );
  }
  return value;
}

/** Adds time spent to a task (a technician logs as they go). */
export async function logMaintenanceTime(
  prisma: PrismaClient,
  taskId: string,
  minutesSpent: number,
): Promise<MaintenanceTask> {
  const added = minutes(minutesSpent);
  return prisma.$transaction(async (tx) => {
    const task = await tx.maintenanceTask.findUnique({ where: { id: taskId } });
    if (!task) throw new NotFound("maintenance task", taskId);
    await recordable(tx, task.workOrderId);
    return tx.maintenanceTask.update({ where: { id: taskId }, data: { minutesSpent: { increment: added } } });
  });
}

/** Marks a task DONE or SKIPPED (with the time it took); only on a work order under way. */
export async function finishMaintenanceTask(
  prisma: PrismaClient,
  taskId: string,
  input: { status: "DONE" | "SKIPPED"; minutesSpent?: number | null },
  actor: MaintenanceActor,
  now: Date,
): Promise<MaintenanceTask> {
  const added = minutes(input.minutesSpent ?? 0);
  return prisma.$transaction(async (tx) => {
    const task = await tx.maintenanceTask.findUnique({ where: { id: taskId } });
    if (!task) throw new NotFound("maintenance task", taskId);
    const workOrder = await recordable(tx, task.workOrderId);
    if (workOrder.status !== "IN_PROGRESS") {
      throw new InvalidMaintenanceTransition(workOrder.id, workOrder.status, null, "finish tasks before work starts");
    }
    if (task.status !== "TODO") {
      throw new InputInvalid("taskId", `The task is already ${task.status}.`);
    }
    return tx.maintenanceTask.update({
      where: { id: taskId },
      data: {
        status: input.status,
        minutesSpent: { increment: added },
        completedAt: now,
        assigneeId: task.assigneeId ?? actor.userId ?? null,
      },
    });
  });
}

export async function recordPartUsage(
  prisma: PrismaClient,
  workOrderId: string,
  input: { partNumber: string; description?: string | null; quantity: number; unitCost?: number | null },
): Promise<MaintenancePartUsage> {
  const partNumber = text("partNumber", input.partNumber, 100, true)!;
  const description = text("description", input.description, MAINTENANCE_DEFAULTS.maxTextLength);
  if (!Number.isFinite(input.quantity) || input.quantity <= 0) {
    throw new InputInvalid("quantity", "quantity must be greater than 0.");
  }
  if (input.unitCost != null && (!Number.isFinite(input.unitCost) || input.unitCost < 0 || input.unitCost >= 1e10)) {
    throw new InputInvalid("unitCost", "unitCost must be 0 or more.");
  }
  return prisma.$transaction(async (tx) => {
    await recordable(tx, workOrderId);
    return tx.maintenancePartUsage.create({
      data: {
        workOrderId,
        partNumber,
        description,
        quantity: input.quantity,
        ...(input.unitCost != null ? { unitCost: input.unitCost.toFixed(2) } : {}),
      },
    });
  });
}
