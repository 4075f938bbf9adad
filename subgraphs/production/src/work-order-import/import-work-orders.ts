// Bulk import of work orders (and the schedules they belong to) from an MES/ERP: each row is
// validated on its own and reported by index, field and code; valid rows are upserted by order
// number; the whole call is recorded under its idempotency key in the same transaction, so a retry
// with the same key and payload changes nothing and returns the first result, and the same key
// with another payload is a conflict.
import { createHash } from "node:crypto";
import type { Prisma, PrismaClient, WorkOrder, WorkOrderStatus } from "@ms5/db";
import { ApiError, InputInvalid } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import { type AuditActor, auditSnapshot } from "../plant-admin/audit-entry.ts";
import {
  CHANGEABLE_WORK_ORDER_STATUSES,
  type FieldProblem,
  MAX_PLANNED_QUANTITY,
  WORK_ORDER_TRANSITIONS,
  workOrderValueProblems,
} from "../work-orders/work-order-rules.ts";
import { ImportKeyConflict, ImportTooLarge, InvalidIdempotencyKey } from "./import-errors.ts";

/** Limits of one import call. */
export const WORK_ORDER_IMPORT_DEFAULTS = {
  /** @default 1,000 rows per call: larger plans are sent in several calls, each with its own key. */
  maxRows: 1_000,
  /** @default 200 characters */
  maxIdempotencyKeyLength: 200,
  /** @default 60,000 ms: a full import of maxRows upserts fits well inside. */
  transactionTimeoutMs: 60_000,
} as const;

/** The IntegrationImport kind of these imports. */
export const WORK_ORDER_IMPORT_KIND = "work-orders";

/** One row as the integrator sends it: lines and products by code, times as ISO 8601 text. */
export interface WorkOrderImportRow {
  number: string;
  lineCode: string;
  productTypeCode: string;
  plannedQuantity: number;
  plannedStart: string;
  plannedEnd: string;
  priority?: number | null;
  /** The order's id in the source system; unique per source. */
  externalRef?: string | null;
  /** PLANNED (default) or RELEASED. */
  status?: WorkOrderStatus | null;
  /** The schedule the order belongs to, upserted by (line, period start). */
  schedule?: { name: string; periodStart: string; periodEnd: string } | null;
}

export interface WorkOrderImportRequest {
  idempotencyKey: string;
  /** The MES/ERP the rows come from (work orders' externalSource). */
  source: string;
  rows: readonly WorkOrderImportRow[];
}

export type RowOutcome = "CREATED" | "UPDATED" | "UNCHANGED" | "REJECTED";

export interface ImportRowError {
  index: number;
  field: string;
  code: ErrorCode;
  message: string;
}

export interface ImportRowResult {
  index: number;
  number: string;
  outcome: RowOutcome;
  workOrderId: string | null;
  errors: ImportRowError[];
}

/** What an import call returns, and what its IntegrationImport row keeps for a retry. */
export interface WorkOrderImportResult {
  importId: string;
  idempotencyKey: string;
  /** True when this call was a retry answered from the first call's record. */
  replayed: boolean;
  completedAt: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rows: ImportRowResult[];
}

const IMPORTED_STATUSES: readonly WorkOrderStatus[] = ["PLANNED", "RELEASED"];

/** The payload's digest: the same key must come with the same rows, field for field. */
export function importRequestHash(request: Omit<WorkOrderImportRequest, "idempotencyKey">): string {
  const canonical = JSON.stringify({
    source: request.source,
    rows: request.rows.map((row) => ({
      number: row.number,
      lineCode: row.lineCode,
      productTypeCode: row.productTypeCode,
      plannedQuantity: row.plannedQuantity,
      plannedStart: row.plannedStart,
      plannedEnd: row.plannedEnd,
      priority: row.priority ?? null,
      externalRef: row.externalRef ?? null,
      status: row.status ?? null,
      schedule: row.schedule
        ? { name: row.schedule.name, periodStart: row.schedule.periodStart, periodEnd: row.schedule.periodEnd }
        : null,
    })),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

function requesterOf(actor: AuditActor): string {
  return "userId" in actor ? `user:${actor.userId}` : `service:${actor.serviceAccountId}`;
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

interface ValidRow {
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

type Lookups = {
  lines: Map<string, { id: string; active: boolean }>;
  products: Map<string, { id: string; active: boolean }>;
};

function validateRow(row: WorkOrderImportRow, index: number, lookups: Lookups): ValidRow | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const number = row.number.trim();
  if (number.length === 0 || number.length > 64) {
    problems.push({ field: "number", code: "BAD_USER_INPUT", message: "The order number is 1 to 64 characters." });
  }
  const line = lookups.lines.get(row.lineCode);
  if (!line) problems.push({ field: "lineCode", code: "NOT_FOUND", message: `There is no line "${row.lineCode}".` });
  else if (!line.active)
    problems.push({ field: "lineCode", code: "BAD_USER_INPUT", message: "The line is deactivated." });
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
  } else if (
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
  let schedule: ValidRow["schedule"] = null;
  if (row.schedule) {
    const name = row.schedule.name.trim();
    if (name.length === 0 || name.length > 200) {
      problems.push({
        field: "schedule.name",
        code: "BAD_USER_INPUT",
        message: "The schedule name is 1 to 200 characters.",
      });
    }
    const periodStart = parseInstant(row.schedule.periodStart, "schedule.periodStart", problems);
    const periodEnd = parseInstant(row.schedule.periodEnd, "schedule.periodEnd", problems);
    if (periodStart && periodEnd) {
      if (periodEnd <= periodStart) {
        problems.push({
          field: "schedule.periodEnd",
          code: "BAD_USER_INPUT",
          message: "The schedule must end after it starts.",
        });
      } else schedule = { name, periodStart, periodEnd };
    }
  }
  if (problems.length > 0 || !line || !product || !plannedStart || !plannedEnd) return problems;
  return {
    index,
    number,
    lineId: line.id,
    productTypeId: product.id,
    plannedQuantity: row.plannedQuantity,
    plannedStart,
    plannedEnd,
    priority,
    externalRef,
    status,
    schedule,
  };
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

/** The columns an import sets on an order. */
type ImportedOrder = Omit<ValidRow, "index" | "schedule"> & { scheduleId: string | null; externalSource: string };

/**
 * Updates every changed order in one statement (unnest of the new values), returning the rows as
 * they are now. Only orders still PLANNED or RELEASED are touched: the rows were read in this
 * transaction, and the status condition keeps a concurrent start from being overwritten.
 */
async function updateWorkOrders(
  tx: Prisma.TransactionClient,
  updates: readonly { existing: WorkOrder; data: ImportedOrder }[],
  now: Date,
): Promise<WorkOrder[]> {
  const column = <T>(pick: (data: ImportedOrder, existing: WorkOrder) => T) =>
    updates.map(({ data, existing }) => pick(data, existing));
  const rows = await tx.$queryRaw<WorkOrder[]>`
    UPDATE "work_order" AS w SET
      "productTypeId" = u.product_type_id,
      "plannedQuantity" = u.planned_quantity,
      "plannedStart" = u.planned_start,
      "plannedEnd" = u.planned_end,
      "priority" = u.priority,
      "externalRef" = u.external_ref,
      "externalSource" = u.external_source,
      "status" = u.status::"WorkOrderStatus",
      "scheduleId" = u.schedule_id,
      "updatedAt" = ${now}
    FROM unnest(
      ${column((_d, e) => e.id)}::uuid[],
      ${column((d) => d.productTypeId)}::uuid[],
      ${column((d) => d.plannedQuantity)}::int[],
      ${column((d) => d.plannedStart)}::timestamptz[],
      ${column((d) => d.plannedEnd)}::timestamptz[],
      ${column((d) => d.priority)}::int[],
      ${column((d) => d.externalRef)}::text[],
      ${column((d) => d.externalSource)}::text[],
      ${column((d) => d.status)}::text[],
      ${column((d) => d.scheduleId)}::uuid[]
    ) AS u(id, product_type_id, planned_quantity, planned_start, planned_end, priority, external_ref, external_source, status, schedule_id)
    WHERE w.id = u.id AND w.status IN ('PLANNED', 'RELEASED')
    RETURNING w.*`;
  if (rows.length !== updates.length) {
    // An order left PLANNED/RELEASED while this import ran: roll back whole, the caller retries.
    throw new ApiError("CONFLICT", "Some work orders changed status during the import; nothing was written. Retry it.");
  }
  return rows;
}

/** Holds a transaction-scoped lock on the key, so two concurrent calls with one key run one after the other. */
async function lockKey(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`work-order-import:${key}`}, 0))`;
}

function storedResult(value: Prisma.JsonValue | null): WorkOrderImportResult {
  return value as unknown as WorkOrderImportResult;
}

export async function importWorkOrders(
  prisma: PrismaClient,
  actor: AuditActor,
  request: WorkOrderImportRequest,
  options: { correlationId?: string; now?: Date } = {},
): Promise<WorkOrderImportResult> {
  const key = request.idempotencyKey;
  if (key.trim().length === 0 || key.length > WORK_ORDER_IMPORT_DEFAULTS.maxIdempotencyKeyLength) {
    throw new InvalidIdempotencyKey(WORK_ORDER_IMPORT_DEFAULTS.maxIdempotencyKeyLength);
  }
  if (request.rows.length > WORK_ORDER_IMPORT_DEFAULTS.maxRows) {
    throw new ImportTooLarge(request.rows.length, WORK_ORDER_IMPORT_DEFAULTS.maxRows);
  }
  const source = request.source.trim();
  if (source.length === 0 || source.length > 64) {
    throw new InputInvalid("source", "The source system is 1 to 64 characters, not blank.");
  }
  const requestHash = importRequestHash({ source, rows: request.rows });

  try {
    return await runImport(prisma, actor, { key, source, requestHash, rows: request.rows }, options);
  } catch (error) {
    // Another import (another key) created the same order number or external ref between our read
    // and our write: this call rolled back whole, so retrying it with the same key is safe.
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002") {
      throw new ApiError(
        "CONFLICT",
        "Another import changed the same work orders at the same moment; nothing of this one was written. Retry it with the same key.",
        { cause: error },
      );
    }
    throw error;
  }
}

async function runImport(
  prisma: PrismaClient,
  actor: AuditActor,
  request: { key: string; source: string; requestHash: string; rows: readonly WorkOrderImportRow[] },
  options: { correlationId?: string; now?: Date },
): Promise<WorkOrderImportResult> {
  const { key, source, requestHash } = request;
  return prisma.$transaction(
    async (tx) => {
      await lockKey(tx, key);
      const earlier = await tx.integrationImport.findUnique({ where: { idempotencyKey: key } });
      if (earlier) {
        if (earlier.kind !== WORK_ORDER_IMPORT_KIND || earlier.requestHash !== requestHash)
          throw new ImportKeyConflict(key);
        return { ...storedResult(earlier.result), replayed: true };
      }
      const now = options.now ?? new Date();
      const record = await tx.integrationImport.create({
        data: { idempotencyKey: key, kind: WORK_ORDER_IMPORT_KIND, requestHash, requestedBy: requesterOf(actor) },
      });

      const lookups: Lookups = {
        lines: new Map(
          (
            await tx.line.findMany({
              where: { code: { in: [...new Set(request.rows.map((row) => row.lineCode))] } },
              select: { id: true, code: true, active: true },
            })
          ).map((row) => [row.code, row]),
        ),
        products: new Map(
          (
            await tx.productType.findMany({
              where: { code: { in: [...new Set(request.rows.map((row) => row.productTypeCode))] } },
              select: { id: true, code: true, active: true },
            })
          ).map((row) => [row.code, row]),
        ),
      };

      const results: ImportRowResult[] = [];
      const seenNumbers = new Map<string, number>();
      const seenRefs = new Map<string, number>();
      const audits: Prisma.AuditLogCreateManyInput[] = [];
      const actorColumns =
        "userId" in actor ? { actorUserId: actor.userId } : { actorServiceAccountId: actor.serviceAccountId };
      const scheduleIds = new Map<string, string>();
      const creates: { result: ImportRowResult; data: Prisma.WorkOrderCreateManyInput & { number: string } }[] = [];
      const updates: { existing: WorkOrder; data: ImportedOrder }[] = [];
      // The orders the rows name (by number and by external ref), read in two queries rather than two per row.
      const ordersByNumber = new Map(
        (
          await tx.workOrder.findMany({
            where: { number: { in: [...new Set(request.rows.map((row) => row.number.trim()))] } },
          })
        ).map((order) => [order.number, order]),
      );
      const refs = request.rows.flatMap((row) => (row.externalRef?.trim() ? [row.externalRef.trim()] : []));
      const numberByRef = new Map(
        (
          await tx.workOrder.findMany({
            where: { externalSource: source, externalRef: { in: [...new Set(refs)] } },
            select: { number: true, externalRef: true },
          })
        ).map((order) => [order.externalRef as string, order.number]),
      );

      for (const [index, row] of request.rows.entries()) {
        const reject = (problems: FieldProblem[]) =>
          results.push({
            index,
            number: row.number,
            outcome: "REJECTED",
            workOrderId: null,
            errors: problems.map((problem) => ({ index, ...problem })),
          });
        const valid = validateRow(row, index, lookups);
        if (Array.isArray(valid)) {
          reject(valid);
          continue;
        }
        // One order appears once per import: a second row for it would silently win.
        const firstIndex = seenNumbers.get(valid.number);
        if (firstIndex !== undefined) {
          reject([{ field: "number", code: "CONFLICT", message: `Order ${valid.number} is also row ${firstIndex}.` }]);
          continue;
        }
        if (valid.externalRef) {
          const refIndex = seenRefs.get(valid.externalRef);
          if (refIndex !== undefined) {
            reject([
              {
                field: "externalRef",
                code: "CONFLICT",
                message: `External ref ${valid.externalRef} is also row ${refIndex}.`,
              },
            ]);
            continue;
          }
        }

        const existing = ordersByNumber.get(valid.number);
        if (existing && !CHANGEABLE_WORK_ORDER_STATUSES.includes(existing.status)) {
          reject([
            {
              field: "number",
              code: "INVALID_STATE_TRANSITION",
              message: `Order ${valid.number} is ${existing.status}; only PLANNED or RELEASED orders are updated.`,
            },
          ]);
          continue;
        }
        if (
          existing &&
          existing.status !== valid.status &&
          !WORK_ORDER_TRANSITIONS[valid.status].includes(existing.status)
        ) {
          reject([
            {
              field: "status",
              code: "INVALID_STATE_TRANSITION",
              message: `Order ${valid.number} is ${existing.status} and cannot become ${valid.status}.`,
            },
          ]);
          continue;
        }
        if (existing && existing.lineId !== valid.lineId) {
          reject([
            { field: "lineCode", code: "CONFLICT", message: `Order ${valid.number} is planned on another line.` },
          ]);
          continue;
        }
        if (valid.externalRef) {
          const holder = numberByRef.get(valid.externalRef);
          if (holder !== undefined && holder !== valid.number) {
            reject([
              {
                field: "externalRef",
                code: "CONFLICT",
                message: `External ref ${valid.externalRef} belongs to order ${holder}.`,
              },
            ]);
            continue;
          }
        }

        let scheduleId: string | null = existing?.scheduleId ?? null;
        if (valid.schedule) {
          const scheduleKey = `${valid.lineId}|${valid.schedule.periodStart.toISOString()}`;
          let id = scheduleIds.get(scheduleKey);
          if (!id) {
            const current = await tx.productionSchedule.findUnique({
              where: { lineId_periodStart: { lineId: valid.lineId, periodStart: valid.schedule.periodStart } },
            });
            if (current?.status === "CLOSED") {
              reject([{ field: "schedule", code: "INVALID_STATE_TRANSITION", message: "That schedule is closed." }]);
              continue;
            }
            if (current) {
              id = current.id;
            } else {
              const created = await tx.productionSchedule.create({
                data: {
                  lineId: valid.lineId,
                  name: valid.schedule.name,
                  periodStart: valid.schedule.periodStart,
                  periodEnd: valid.schedule.periodEnd,
                },
              });
              id = created.id;
              audits.push({
                ...actorColumns,
                action: "schedule.import",
                entityType: "ProductionSchedule",
                entityId: id,
                after: auditSnapshot({ ...created, importId: record.id }) as Prisma.InputJsonValue,
                correlationId: options.correlationId ?? null,
              });
            }
            scheduleIds.set(scheduleKey, id);
          }
          scheduleId = id;
        }

        seenNumbers.set(valid.number, index);
        if (valid.externalRef) seenRefs.set(valid.externalRef, index);
        const { index: _index, schedule: _schedule, ...wanted } = valid;
        if (existing && sameOrder(existing, wanted, scheduleId)) {
          results.push({ index, number: valid.number, outcome: "UNCHANGED", workOrderId: existing.id, errors: [] });
          continue;
        }
        const data = { ...wanted, scheduleId, externalSource: source };
        if (!existing) {
          // New orders are inserted together after the loop: one statement instead of one per row.
          const pending: ImportRowResult = {
            index,
            number: valid.number,
            outcome: "CREATED",
            workOrderId: null,
            errors: [],
          };
          results.push(pending);
          creates.push({ result: pending, data });
          continue;
        }
        // Changed orders are updated together after the loop: one statement instead of one per row.
        const pending: ImportRowResult = {
          index,
          number: valid.number,
          outcome: "UPDATED",
          workOrderId: existing.id,
          errors: [],
        };
        results.push(pending);
        updates.push({ existing, data });
        if (existing.externalRef && existing.externalRef !== data.externalRef) numberByRef.delete(existing.externalRef);
        if (data.externalRef) numberByRef.set(data.externalRef, data.number);
      }

      if (updates.length > 0) {
        const updated = await updateWorkOrders(tx, updates, now);
        const byId = new Map(updated.map((order) => [order.id, order]));
        for (const { existing } of updates) {
          audits.push({
            ...actorColumns,
            action: "work-order.import-update",
            entityType: "WorkOrder",
            entityId: existing.id,
            before: auditSnapshot(existing) as Prisma.InputJsonValue,
            after: auditSnapshot({ ...byId.get(existing.id), importId: record.id }) as Prisma.InputJsonValue,
            correlationId: options.correlationId ?? null,
          });
        }
      }

      if (creates.length > 0) {
        const created = await tx.workOrder.createManyAndReturn({ data: creates.map((create) => create.data) });
        const byNumber = new Map(created.map((order) => [order.number, order]));
        for (const create of creates) {
          const saved = byNumber.get(create.data.number);
          if (!saved) throw new Error(`work order ${create.data.number} was not returned by its insert`);
          create.result.workOrderId = saved.id;
          audits.push({
            ...actorColumns,
            action: "work-order.import-create",
            entityType: "WorkOrder",
            entityId: saved.id,
            after: auditSnapshot({ ...saved, importId: record.id }) as Prisma.InputJsonValue,
            correlationId: options.correlationId ?? null,
          });
        }
      }

      const count = (outcome: RowOutcome) => results.filter((result) => result.outcome === outcome).length;
      const result: WorkOrderImportResult = {
        importId: record.id,
        idempotencyKey: key,
        replayed: false,
        completedAt: now.toISOString(),
        created: count("CREATED"),
        updated: count("UPDATED"),
        unchanged: count("UNCHANGED"),
        rejected: count("REJECTED"),
        rows: results,
      };
      audits.push({
        ...actorColumns,
        action: "work-order.import",
        entityType: "IntegrationImport",
        entityId: record.id,
        after: {
          idempotencyKey: key,
          source,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: result.rejected,
        },
        correlationId: options.correlationId ?? null,
      });
      await tx.auditLog.createMany({ data: audits });
      await tx.integrationImport.update({
        where: { id: record.id },
        data: { status: "COMPLETED", completedAt: now, result: result as unknown as Prisma.InputJsonValue },
      });
      return result;
    },
    { timeout: WORK_ORDER_IMPORT_DEFAULTS.transactionTimeoutMs },
  );
}
