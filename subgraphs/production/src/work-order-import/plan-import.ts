// Step 2 of an import: the valid rows against what is stored. Decides per row CREATED, UPDATED,
// UNCHANGED or REJECTED (a repeated number or external ref, an order past PLANNED/RELEASED, a move
// to another line, a closed schedule) and which schedules must be made. It reads, never writes: the
// write step carries the plan out.
import type { Prisma, WorkOrder } from "@ms5/db";
import {
  CHANGEABLE_WORK_ORDER_STATUSES,
  type FieldProblem,
  WORK_ORDER_TRANSITIONS,
} from "../work-orders/work-order-rules.ts";
import type { ImportRowResult, WorkOrderImportRow } from "./import-contract.ts";
import { type ImportLookups, type ValidRow, validateImportRow } from "./validate-import-row.ts";

/** A schedule the import makes: the first row naming its (line, period start) gives its name and end. */
export interface NewSchedule {
  lineId: string;
  name: string;
  periodStart: Date;
  periodEnd: Date;
}

/** An order's schedule: one already stored (or none), or one this import makes. */
export type PlannedSchedule = { scheduleId: string | null } | { newSchedule: NewSchedule };

/** The columns an import sets on an order, its schedule still to be resolved by the write step. */
export type PlannedOrder = Omit<ValidRow, "index" | "schedule"> & { schedule: PlannedSchedule; externalSource: string };

export interface ImportPlan {
  /** One per row in row order; CREATED rows get their id when written. */
  results: ImportRowResult[];
  /** In the order the rows first named them. */
  newSchedules: NewSchedule[];
  creates: { result: ImportRowResult; data: PlannedOrder }[];
  updates: { existing: WorkOrder; data: PlannedOrder }[];
}

/** What is stored of the orders, lines, products and schedules the rows name, read in a few queries. */
interface StoredState {
  lookups: ImportLookups;
  ordersByNumber: Map<string, WorkOrder>;
  /** Which order holds each external ref of the source; kept current as the plan moves refs. */
  numberByRef: Map<string, string>;
}

async function readStoredState(
  tx: Prisma.TransactionClient,
  source: string,
  rows: readonly WorkOrderImportRow[],
): Promise<StoredState> {
  const codes = (pick: (row: WorkOrderImportRow) => string) => [...new Set(rows.map(pick))];
  const refs = rows.flatMap((row) => (row.externalRef?.trim() ? [row.externalRef.trim()] : []));
  // One after the other: the queries of an interactive transaction share its one connection.
  const lines = await tx.line.findMany({
    where: { code: { in: codes((row) => row.lineCode) } },
    select: { id: true, code: true, active: true },
  });
  const products = await tx.productType.findMany({
    where: { code: { in: codes((row) => row.productTypeCode) } },
    select: { id: true, code: true, active: true },
  });
  const orders = await tx.workOrder.findMany({ where: { number: { in: codes((row) => row.number.trim()) } } });
  const refHolders = await tx.workOrder.findMany({
    where: { externalSource: source, externalRef: { in: [...new Set(refs)] } },
    select: { number: true, externalRef: true },
  });
  return {
    lookups: {
      lines: new Map(lines.map((row) => [row.code, row])),
      products: new Map(products.map((row) => [row.code, row])),
    },
    ordersByNumber: new Map(orders.map((order) => [order.number, order])),
    numberByRef: new Map(refHolders.map((order) => [order.externalRef as string, order.number])),
  };
}

export async function planImport(
  tx: Prisma.TransactionClient,
  source: string,
  rows: readonly WorkOrderImportRow[],
): Promise<ImportPlan> {
  const stored = await readStoredState(tx, source, rows);
  const plan: ImportPlan = { results: [], newSchedules: [], creates: [], updates: [] };
  const seenNumbers = new Map<string, number>();
  const seenRefs = new Map<string, number>();
  const schedules = new Map<string, PlannedSchedule>();

  for (const [index, row] of rows.entries()) {
    const reject = (problems: FieldProblem[]) =>
      plan.results.push({
        index,
        number: row.number,
        outcome: "REJECTED",
        workOrderId: null,
        errors: problems.map((problem) => ({ index, ...problem })),
      });
    const valid = validateImportRow(row, index, stored.lookups);
    if (Array.isArray(valid)) {
      reject(valid);
      continue;
    }
    const existing = stored.ordersByNumber.get(valid.number);
    const conflict = rowConflict(valid, existing, { seenNumbers, seenRefs, numberByRef: stored.numberByRef });
    if (conflict) {
      reject([conflict]);
      continue;
    }

    let schedule: PlannedSchedule = { scheduleId: existing?.scheduleId ?? null };
    if (valid.schedule) {
      const chosen = await scheduleOfRow(tx, valid.lineId, valid.schedule, schedules, plan.newSchedules);
      if (chosen === "CLOSED") {
        reject([{ field: "schedule", code: "INVALID_STATE_TRANSITION", message: "That schedule is closed." }]);
        continue;
      }
      schedule = chosen;
    }

    seenNumbers.set(valid.number, index);
    if (valid.externalRef) seenRefs.set(valid.externalRef, index);
    const { index: _index, schedule: _schedule, ...wanted } = valid;
    if (existing && "scheduleId" in schedule && sameOrder(existing, wanted, schedule.scheduleId)) {
      plan.results.push({ index, number: valid.number, outcome: "UNCHANGED", workOrderId: existing.id, errors: [] });
      continue;
    }
    const data: PlannedOrder = { ...wanted, schedule, externalSource: source };
    if (!existing) {
      const pending: ImportRowResult = {
        index,
        number: valid.number,
        outcome: "CREATED",
        workOrderId: null,
        errors: [],
      };
      plan.results.push(pending);
      plan.creates.push({ result: pending, data });
      continue;
    }
    plan.results.push({ index, number: valid.number, outcome: "UPDATED", workOrderId: existing.id, errors: [] });
    plan.updates.push({ existing, data });
    if (existing.externalRef && existing.externalRef !== data.externalRef) {
      stored.numberByRef.delete(existing.externalRef);
    }
    if (data.externalRef) stored.numberByRef.set(data.externalRef, data.number);
  }
  return plan;
}

/** Why a valid row cannot apply to what is stored or to the rows before it, if it cannot. */
function rowConflict(
  valid: ValidRow,
  existing: WorkOrder | undefined,
  seen: { seenNumbers: Map<string, number>; seenRefs: Map<string, number>; numberByRef: Map<string, string> },
): FieldProblem | undefined {
  // One order appears once per import: a second row for it would silently win.
  const firstIndex = seen.seenNumbers.get(valid.number);
  if (firstIndex !== undefined) {
    return { field: "number", code: "CONFLICT", message: `Order ${valid.number} is also row ${firstIndex}.` };
  }
  const refIndex = valid.externalRef ? seen.seenRefs.get(valid.externalRef) : undefined;
  if (refIndex !== undefined) {
    return {
      field: "externalRef",
      code: "CONFLICT",
      message: `External ref ${valid.externalRef} is also row ${refIndex}.`,
    };
  }
  if (existing && !CHANGEABLE_WORK_ORDER_STATUSES.includes(existing.status)) {
    return {
      field: "number",
      code: "INVALID_STATE_TRANSITION",
      message: `Order ${valid.number} is ${existing.status}; only PLANNED or RELEASED orders are updated.`,
    };
  }
  if (existing && existing.status !== valid.status && !WORK_ORDER_TRANSITIONS[valid.status].includes(existing.status)) {
    return {
      field: "status",
      code: "INVALID_STATE_TRANSITION",
      message: `Order ${valid.number} is ${existing.status} and cannot become ${valid.status}.`,
    };
  }
  if (existing && existing.lineId !== valid.lineId) {
    return { field: "lineCode", code: "CONFLICT", message: `Order ${valid.number} is planned on another line.` };
  }
  const holder = valid.externalRef ? seen.numberByRef.get(valid.externalRef) : undefined;
  if (holder !== undefined && holder !== valid.number) {
    return {
      field: "externalRef",
      code: "CONFLICT",
      message: `External ref ${valid.externalRef} belongs to order ${holder}.`,
    };
  }
  return undefined;
}

/** The stored schedule of the row's (line, period start), or a new one the first time it is named. */
async function scheduleOfRow(
  tx: Prisma.TransactionClient,
  lineId: string,
  named: NonNullable<ValidRow["schedule"]>,
  known: Map<string, PlannedSchedule>,
  newSchedules: NewSchedule[],
): Promise<PlannedSchedule | "CLOSED"> {
  const key = `${lineId}|${named.periodStart.toISOString()}`;
  const seen = known.get(key);
  if (seen) return seen;
  const current = await tx.productionSchedule.findUnique({
    where: { lineId_periodStart: { lineId, periodStart: named.periodStart } },
    select: { id: true, status: true },
  });
  if (current?.status === "CLOSED") return "CLOSED";
  let chosen: PlannedSchedule;
  if (current) {
    chosen = { scheduleId: current.id };
  } else {
    const newSchedule = { lineId, ...named };
    newSchedules.push(newSchedule);
    chosen = { newSchedule };
  }
  known.set(key, chosen);
  return chosen;
}

function sameOrder(existing: WorkOrder, wanted: Omit<ValidRow, "index" | "schedule">, scheduleId: string | null) {
  return (
    existing.lineId === wanted.lineId &&
    existing.productTypeId === wanted.productTypeId &&
    existing.plannedQuantity === wanted.plannedQuantity &&
    existing.plannedStart.getTime() === wanted.plannedStart.getTime() &&
    existing.plannedEnd.getTime() === wanted.plannedEnd.getTime() &&
    existing.priority === wanted.priority &&
    existing.externalRef === wanted.externalRef &&
    existing.status === wanted.status &&
    existing.scheduleId === scheduleId
  );
}
