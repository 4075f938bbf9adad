// Bulk import of work orders (and the schedules they belong to) from an MES/ERP: each row is
// validated on its own and reported by index, field and code; valid rows are upserted by order
// number; the whole call is recorded under its idempotency key in the same transaction, so a retry
// with the same key and payload changes nothing and returns the first result, and the same key
// with another payload is a conflict. The steps: validate-import-row.ts (each row alone),
// plan-import.ts (rows against what is stored), write-import.ts (the writes), record-import.ts
// (the idempotency record and the summary).
import { createHash } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { ApiError, InputInvalid } from "@ms5/kit/subgraph";
import type { AuditActor } from "../plant-admin/audit-entry.ts";
import {
  WORK_ORDER_IMPORT_DEFAULTS,
  type WorkOrderImportRequest,
  type WorkOrderImportResult,
  type WorkOrderImportRow,
} from "./import-contract.ts";
import { ImportTooLarge, InvalidIdempotencyKey } from "./import-errors.ts";
import { planImport } from "./plan-import.ts";
import { closeImportRecord, type ImportCall, openImportRecord } from "./record-import.ts";
import { writeImportPlan } from "./write-import.ts";

export {
  type ImportRowError,
  type ImportRowResult,
  type RowOutcome,
  WORK_ORDER_IMPORT_DEFAULTS,
  WORK_ORDER_IMPORT_KIND,
  type WorkOrderImportRequest,
  type WorkOrderImportResult,
  type WorkOrderImportRow,
} from "./import-contract.ts";

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

/** validate, plan, write, record: one transaction, so a failed import leaves nothing behind. */
function runImport(
  prisma: PrismaClient,
  actor: AuditActor,
  request: ImportCall & { rows: readonly WorkOrderImportRow[] },
  options: { correlationId?: string; now?: Date },
): Promise<WorkOrderImportResult> {
  return prisma.$transaction(
    async (tx) => {
      const opened = await openImportRecord(tx, actor, request);
      if ("replayed" in opened) return opened.replayed;
      const now = options.now ?? new Date();
      const audit = {
        actorColumns:
          "userId" in actor ? { actorUserId: actor.userId } : { actorServiceAccountId: actor.serviceAccountId },
        importId: opened.record.id,
        correlationId: options.correlationId ?? null,
      };
      const plan = await planImport(tx, request.source, request.rows);
      const audits = await writeImportPlan(tx, plan, audit, now);
      return closeImportRecord(tx, request, audit, { rows: plan.results, audits, now });
    },
    { timeout: WORK_ORDER_IMPORT_DEFAULTS.transactionTimeoutMs },
  );
}
