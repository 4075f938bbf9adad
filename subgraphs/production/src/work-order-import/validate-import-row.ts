// Step 1 of an import: each row on its own, against the lines and products it names. A row either
// becomes a ValidRow (ids resolved, times parsed) or the list of its problems by field; nothing here
// reads the orders already stored (that is the plan's business).
import type { WorkOrderStatus } from "@ms5/db";
import { type FieldProblem, MAX_PLANNED_QUANTITY, workOrderValueProblems } from "../work-orders/work-order-rules.ts";
import type { WorkOrderImportRow } from "./import-contract.ts";

const IMPORTED_STATUSES: readonly WorkOrderStatus[] = ["PLANNED", "RELEASED"];

export interface ValidRow {
  index: number;
  number: string;
  lineId: string;
  productTypeId: string;
  plannedQuantity: number;
  plannedStart: Date;
  plannedEnd: Date;
  priority: number;
  externalRef: string | null;
  status: WorkOrderStatus;
  schedule: { name: string; periodStart: Date; periodEnd: Date } | null;
}

/** The lines and products the rows name, by code, read once for the whole import. */
export interface ImportLookups {
  lines: Map<string, { id: string; active: boolean }>;
  products: Map<string, { id: string; active: boolean }>;
}

export function validateImportRow(
  row: WorkOrderImportRow,
  index: number,
  lookups: ImportLookups,
): ValidRow | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const number = row.number.trim();
  if (number.length === 0 || number.length > 64) {
    problems.push({ field: "number", code: "BAD_USER_INPUT", message: "The order number is 1 to 64 characters." });
  }
  const line = activeLine(row, lookups, problems);
  const product = activeProduct(row, lookups, problems);
  const period = plannedPeriod(row, number, problems);
  const priority = row.priority ?? 0;
  if (!Number.isInteger(priority) || priority < -1000 || priority > 1000) {
    problems.push({
      field: "priority",
      code: "BAD_USER_INPUT",
      message: "The priority is a whole number from -1000 to 1000.",
    });
  }
  const externalRef = row.externalRef?.trim() || null;
  if (externalRef && externalRef.length > 128) {
    problems.push({
      field: "externalRef",
      code: "BAD_USER_INPUT",
      message: "The external ref is at most 128 characters.",
    });
  }
  const status = row.status ?? "PLANNED";
  if (!IMPORTED_STATUSES.includes(status)) {
    problems.push({ field: "status", code: "BAD_USER_INPUT", message: "Imported orders are PLANNED or RELEASED." });
  }
  const schedule = row.schedule ? scheduleOf(row.schedule, problems) : null;
  if (problems.length > 0 || !line || !product || !period) return problems;
  return {
    index,
    number,
    lineId: line.id,
    productTypeId: product.id,
    plannedQuantity: row.plannedQuantity,
    ...period,
    priority,
    externalRef,
    status,
    schedule,
  };
}

function activeLine(row: WorkOrderImportRow, lookups: ImportLookups, problems: FieldProblem[]) {
  const line = lookups.lines.get(row.lineCode);
  if (!line) problems.push({ field: "lineCode", code: "NOT_FOUND", message: `There is no line "${row.lineCode}".` });
  else if (!line.active)
    problems.push({ field: "lineCode", code: "BAD_USER_INPUT", message: "The line is deactivated." });
  return line;
}

function activeProduct(row: WorkOrderImportRow, lookups: ImportLookups, problems: FieldProblem[]) {
  const product = lookups.products.get(row.productTypeCode);
  if (!product) {
    problems.push({
      field: "productTypeCode",
      code: "NOT_FOUND",
      message: `There is no product type "${row.productTypeCode}".`,
    });
  } else if (!product.active) {
    problems.push({ field: "productTypeCode", code: "BAD_USER_INPUT", message: "The product type is deactivated." });
  }
  return product;
}

/** The planned start and end, checked with the quantity by the work-order rules every order obeys. */
function plannedPeriod(
  row: WorkOrderImportRow,
  number: string,
  problems: FieldProblem[],
): { plannedStart: Date; plannedEnd: Date } | undefined {
  const plannedStart = parseInstant(row.plannedStart, "plannedStart", problems);
  const plannedEnd = parseInstant(row.plannedEnd, "plannedEnd", problems);
  if (plannedStart && plannedEnd) {
    problems.push(
      ...workOrderValueProblems({
        number,
        plannedQuantity: row.plannedQuantity,
        plannedStart,
        plannedEnd,
        priority: 0,
      }),
    );
    return { plannedStart, plannedEnd };
  }
  // Without both times the shared rules cannot run; the quantity is still checked on its own.
  if (
    !Number.isInteger(row.plannedQuantity) ||
    row.plannedQuantity <= 0 ||
    row.plannedQuantity > MAX_PLANNED_QUANTITY
  ) {
    problems.push({
      field: "plannedQuantity",
      code: "BAD_USER_INPUT",
      message: `The planned quantity is a whole number from 1 to ${MAX_PLANNED_QUANTITY}.`,
    });
  }
  return undefined;
}

function scheduleOf(schedule: NonNullable<WorkOrderImportRow["schedule"]>, problems: FieldProblem[]) {
  const name = schedule.name.trim();
  if (name.length === 0 || name.length > 200) {
    problems.push({
      field: "schedule.name",
      code: "BAD_USER_INPUT",
      message: "The schedule name is 1 to 200 characters.",
    });
  }
  const periodStart = parseInstant(schedule.periodStart, "schedule.periodStart", problems);
  const periodEnd = parseInstant(schedule.periodEnd, "schedule.periodEnd", problems);
  if (!periodStart || !periodEnd) return null;
  if (periodEnd <= periodStart) {
    problems.push({
      field: "schedule.periodEnd",
      code: "BAD_USER_INPUT",
      message: "The schedule must end after it starts.",
    });
    return null;
  }
  return { name, periodStart, periodEnd };
}

function parseInstant(text: string, field: string, problems: FieldProblem[]): Date | undefined {
  // Date.parse accepts far more than ISO 8601; require the date-time form integrators are told to send.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    problems.push({ field, code: "BAD_USER_INPUT", message: `"${text}" is not an ISO 8601 date-time with a zone.` });
    return undefined;
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    problems.push({ field, code: "BAD_USER_INPUT", message: `"${text}" is not a valid date-time.` });
    return undefined;
  }
  return date;
}
