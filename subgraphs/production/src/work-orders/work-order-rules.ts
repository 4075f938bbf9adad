// What makes a work order valid, shared by the admin mutations (which refuse the first problem) and
// the bulk import (which reports every problem of every row): quantities, windows, and the line,
// product and schedule it names.

import type { Prisma, ScheduleStatus, WorkOrderStatus } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import { DuplicateKey } from "../plant-admin/admin-errors.ts";

/** Which statuses each target status may be reached from. */
export const WORK_ORDER_TRANSITIONS: Readonly<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  PLANNED: [],
  RELEASED: ["PLANNED"],
  IN_PROGRESS: ["RELEASED"],
  COMPLETED: ["IN_PROGRESS"],
  CANCELLED: ["PLANNED", "RELEASED", "IN_PROGRESS"],
};

export const SCHEDULE_TRANSITIONS: Readonly<Record<ScheduleStatus, readonly ScheduleStatus[]>> = {
  DRAFT: [],
  RELEASED: ["DRAFT"],
  CLOSED: ["RELEASED"],
};

/** Orders the planner may still change (and an import may still update). */
export const CHANGEABLE_WORK_ORDER_STATUSES: readonly WorkOrderStatus[] = ["PLANNED", "RELEASED"];

/** A planned quantity above this is a typo, not a plan. @default 10,000,000 units */
export const MAX_PLANNED_QUANTITY = 10_000_000;

export interface WorkOrderFields {
  number: string;
  lineId: string;
  productTypeId: string;
  scheduleId: string | null;
  plannedQuantity: number;
  plannedStart: Date;
  plannedEnd: Date;
  priority: number;
  externalSource?: string | null;
  externalRef?: string | null;
}

/** One thing wrong with a field of a work order. */
export interface FieldProblem {
  field: string;
  code: ErrorCode;
  message: string;
}

/** The rows a work order names, as read once for a batch. */
export interface WorkOrderReferences {
  lines: ReadonlyMap<string, { active: boolean }>;
  productTypes: ReadonlyMap<string, { active: boolean }>;
  schedules: ReadonlyMap<string, { lineId: string; status: ScheduleStatus }>;
}

/** The fields' own rules, needing no database. */
export function workOrderValueProblems(fields: Omit<WorkOrderFields, "lineId" | "productTypeId" | "scheduleId">) {
  const problems: FieldProblem[] = [];
  if (
    !Number.isInteger(fields.plannedQuantity) ||
    fields.plannedQuantity <= 0 ||
    fields.plannedQuantity > MAX_PLANNED_QUANTITY
  ) {
    problems.push({
      field: "plannedQuantity",
      code: "BAD_USER_INPUT",
      message: `The planned quantity is a whole number from 1 to ${MAX_PLANNED_QUANTITY}.`,
    });
  }
  if (!(fields.plannedEnd.getTime() > fields.plannedStart.getTime())) {
    problems.push({
      field: "plannedEnd",
      code: "BAD_USER_INPUT",
      message: "The planned end must be after the planned start.",
    });
  }
  return problems;
}

/** Every problem of the order's values and of the rows it names. */
export function workOrderProblems(fields: WorkOrderFields, references: WorkOrderReferences): FieldProblem[] {
  const problems = workOrderValueProblems(fields);
  const line = references.lines.get(fields.lineId);
  if (!line) problems.push({ field: "lineId", code: "NOT_FOUND", message: `There is no line ${fields.lineId}.` });
  else if (!line.active)
    problems.push({ field: "lineId", code: "BAD_USER_INPUT", message: "The line is deactivated." });
  const product = references.productTypes.get(fields.productTypeId);
  if (!product) {
    problems.push({
      field: "productTypeId",
      code: "NOT_FOUND",
      message: `There is no product type ${fields.productTypeId}.`,
    });
  } else if (!product.active) {
    problems.push({ field: "productTypeId", code: "BAD_USER_INPUT", message: "The product type is deactivated." });
  }
  if (fields.scheduleId) {
    const schedule = references.schedules.get(fields.scheduleId);
    if (!schedule) {
      problems.push({ field: "scheduleId", code: "NOT_FOUND", message: `There is no schedule ${fields.scheduleId}.` });
    } else if (schedule.lineId !== fields.lineId) {
      problems.push({ field: "scheduleId", code: "BAD_USER_INPUT", message: "The schedule is for another line." });
    } else if (schedule.status === "CLOSED") {
      problems.push({ field: "scheduleId", code: "INVALID_STATE_TRANSITION", message: "The schedule is closed." });
    }
  }
  return problems;
}

export async function loadWorkOrderReferences(
  tx: Prisma.TransactionClient,
  ids: { lineIds: Iterable<string>; productTypeIds: Iterable<string>; scheduleIds: Iterable<string> },
): Promise<WorkOrderReferences> {
  const [lines, productTypes, schedules] = await Promise.all([
    tx.line.findMany({ where: { id: { in: [...new Set(ids.lineIds)] } }, select: { id: true, active: true } }),
    tx.productType.findMany({
      where: { id: { in: [...new Set(ids.productTypeIds)] } },
      select: { id: true, active: true },
    }),
    tx.productionSchedule.findMany({
      where: { id: { in: [...new Set(ids.scheduleIds)] } },
      select: { id: true, lineId: true, status: true },
    }),
  ]);
  return {
    lines: new Map(lines.map((row) => [row.id, row])),
    productTypes: new Map(productTypes.map((row) => [row.id, row])),
    schedules: new Map(schedules.map((row) => [row.id, row])),
  };
}

/** Refuses with the first problem, as a typed admin error. */
export async function checkWorkOrderFields(tx: Prisma.TransactionClient, fields: WorkOrderFields): Promise<void> {
  const references = await loadWorkOrderReferences(tx, {
    lineIds: [fields.lineId],
    productTypeIds: [fields.productTypeId],
    scheduleIds: fields.scheduleId ? [fields.scheduleId] : [],
  });
  const [problem] = workOrderProblems(fields, references);
  if (!problem) return;
  if (problem.code === "NOT_FOUND") {
    const entity =
      { lineId: "line", productTypeId: "product type", scheduleId: "schedule" }[problem.field] ?? problem.field;
    throw new NotFound(entity, String(fields[problem.field as keyof WorkOrderFields]));
  }
  throw new InputInvalid(problem.field, problem.message);
}

/** Refuses a number, or an (externalSource, externalRef) pair, another order already holds. */
export async function workOrderNumberTaken(tx: Prisma.TransactionClient, fields: WorkOrderFields): Promise<void> {
  if (await tx.workOrder.findUnique({ where: { number: fields.number }, select: { id: true } })) {
    throw new DuplicateKey("work order", "number", fields.number);
  }
  if (fields.externalSource && fields.externalRef) {
    const taken = await tx.workOrder.findUnique({
      where: { externalSource_externalRef: { externalSource: fields.externalSource, externalRef: fields.externalRef } },
      select: { id: true },
    });
    if (taken) throw new DuplicateKey("work order", "externalRef", fields.externalRef);
  }
}
