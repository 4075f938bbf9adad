// Step 3 of an import: carries a plan out in a few statements (new schedules, one UPDATE over unnest
// for the changed orders, one INSERT for the new ones) and returns the audit entries of what it wrote.
import type { Prisma, WorkOrder } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";
import { auditSnapshot } from "../plant-admin/audit-entry.ts";
import type { ImportPlan, NewSchedule, PlannedOrder } from "./plan-import.ts";

/** Who wrote and under which import, for the audit entries. */
export interface ImportAuditContext {
  actorColumns: { actorUserId: string } | { actorServiceAccountId: string };
  importId: string;
  correlationId: string | null;
}

/** The columns an import sets on an order, its schedule resolved. */
type ImportedOrder = Omit<PlannedOrder, "schedule"> & { scheduleId: string | null };

export async function writeImportPlan(
  tx: Prisma.TransactionClient,
  plan: ImportPlan,
  audit: ImportAuditContext,
  now: Date,
): Promise<Prisma.AuditLogCreateManyInput[]> {
  const audits: Prisma.AuditLogCreateManyInput[] = [];
  const scheduleIds = await createSchedules(tx, plan.newSchedules, audit, audits);
  const imported = (data: PlannedOrder): ImportedOrder => {
    const { schedule, ...columns } = data;
    const scheduleId = "scheduleId" in schedule ? schedule.scheduleId : scheduleIds.get(schedule.newSchedule);
    if (scheduleId === undefined) throw new Error(`the schedule of ${data.number} was not created`);
    return { ...columns, scheduleId };
  };

  if (plan.updates.length > 0) {
    const updates = plan.updates.map(({ existing, data }) => ({ existing, data: imported(data) }));
    const updated = await updateWorkOrders(tx, updates, now);
    const byId = new Map(updated.map((order) => [order.id, order]));
    for (const { existing } of updates) {
      audits.push({
        ...audit.actorColumns,
        action: "work-order.import-update",
        entityType: "WorkOrder",
        entityId: existing.id,
        before: auditSnapshot(existing) as Prisma.InputJsonValue,
        after: auditSnapshot({ ...byId.get(existing.id), importId: audit.importId }) as Prisma.InputJsonValue,
        correlationId: audit.correlationId,
      });
    }
  }

  if (plan.creates.length > 0) {
    const created = await tx.workOrder.createManyAndReturn({
      data: plan.creates.map((create) => imported(create.data)),
    });
    const byNumber = new Map(created.map((order) => [order.number, order]));
    for (const create of plan.creates) {
      const saved = byNumber.get(create.data.number);
      if (!saved) throw new Error(`work order ${create.data.number} was not returned by its insert`);
      create.result.workOrderId = saved.id;
      audits.push({
        ...audit.actorColumns,
        action: "work-order.import-create",
        entityType: "WorkOrder",
        entityId: saved.id,
        after: auditSnapshot({ ...saved, importId: audit.importId }) as Prisma.InputJsonValue,
        correlationId: audit.correlationId,
      });
    }
  }
  return audits;
}

async function createSchedules(
  tx: Prisma.TransactionClient,
  schedules: readonly NewSchedule[],
  audit: ImportAuditContext,
  audits: Prisma.AuditLogCreateManyInput[],
): Promise<Map<NewSchedule, string>> {
  const ids = new Map<NewSchedule, string>();
  for (const schedule of schedules) {
    const created = await tx.productionSchedule.create({ data: { ...schedule } });
    ids.set(schedule, created.id);
    audits.push({
      ...audit.actorColumns,
      action: "schedule.import",
      entityType: "ProductionSchedule",
      entityId: created.id,
      after: auditSnapshot({ ...created, importId: audit.importId }) as Prisma.InputJsonValue,
      correlationId: audit.correlationId,
    });
  }
  return ids;
}

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
