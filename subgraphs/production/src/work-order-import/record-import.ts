// Step 4 of an import, and its start: every call is recorded under its idempotency key in the
// import's own transaction. A key seen before answers with the first call's result (or is refused
// when it came with other rows); a new call ends with its summary audited and its result stored.
import type { IntegrationImport, Prisma } from "@ms5/db";
import type { AuditActor } from "../plant-admin/audit-entry.ts";
import { type RowOutcome, WORK_ORDER_IMPORT_KIND, type WorkOrderImportResult } from "./import-contract.ts";
import { ImportKeyConflict } from "./import-errors.ts";
import type { ImportAuditContext } from "./write-import.ts";

export interface ImportCall {
  key: string;
  source: string;
  requestHash: string;
}

/**
 * Takes the key's lock (two concurrent calls with one key run one after the other) and either
 * returns the earlier call's result, replayed, or opens this call's record.
 */
export async function openImportRecord(
  tx: Prisma.TransactionClient,
  actor: AuditActor,
  call: ImportCall,
): Promise<{ replayed: WorkOrderImportResult } | { record: IntegrationImport }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`work-order-import:${call.key}`}, 0))`;
  const earlier = await tx.integrationImport.findUnique({ where: { idempotencyKey: call.key } });
  if (earlier) {
    if (earlier.kind !== WORK_ORDER_IMPORT_KIND || earlier.requestHash !== call.requestHash) {
      throw new ImportKeyConflict(call.key);
    }
    return { replayed: { ...(earlier.result as unknown as WorkOrderImportResult), replayed: true } };
  }
  const record = await tx.integrationImport.create({
    data: {
      idempotencyKey: call.key,
      kind: WORK_ORDER_IMPORT_KIND,
      requestHash: call.requestHash,
      requestedBy: requesterOf(actor),
    },
  });
  return { record };
}

/** Writes the audit entries with the call's summary and stores its result for a retry. */
export async function closeImportRecord(
  tx: Prisma.TransactionClient,
  call: ImportCall,
  audit: ImportAuditContext,
  outcome: { rows: WorkOrderImportResult["rows"]; audits: Prisma.AuditLogCreateManyInput[]; now: Date },
): Promise<WorkOrderImportResult> {
  const count = (kind: RowOutcome) => outcome.rows.filter((row) => row.outcome === kind).length;
  const result: WorkOrderImportResult = {
    importId: audit.importId,
    idempotencyKey: call.key,
    replayed: false,
    completedAt: outcome.now.toISOString(),
    created: count("CREATED"),
    updated: count("UPDATED"),
    unchanged: count("UNCHANGED"),
    rejected: count("REJECTED"),
    rows: outcome.rows,
  };
  await tx.auditLog.createMany({
    data: [
      ...outcome.audits,
      {
        ...audit.actorColumns,
        action: "work-order.import",
        entityType: "IntegrationImport",
        entityId: audit.importId,
        after: {
          idempotencyKey: call.key,
          source: call.source,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: result.rejected,
        },
        correlationId: audit.correlationId,
      },
    ],
  });
  await tx.integrationImport.update({
    where: { id: audit.importId },
    data: { status: "COMPLETED", completedAt: outcome.now, result: result as unknown as Prisma.InputJsonValue },
  });
  return result;
}

function requesterOf(actor: AuditActor): string {
  return "userId" in actor ? `user:${actor.userId}` : `service:${actor.serviceAccountId}`;
}
