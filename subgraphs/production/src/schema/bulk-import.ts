// Bulk import of work orders for MES/ERP integrators: the mutation, its per-row result, and a query
// for a past import's result by its idempotency key.
import { ExpectedError, InputInvalid } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { auditActorOf } from "../plant-admin/audit-entry.ts";
import { ImportKeyConflict, ImportTooLarge, InvalidIdempotencyKey } from "../work-order-import/import-errors.ts";
import {
  type ImportRowError,
  type ImportRowResult,
  importWorkOrders,
  WORK_ORDER_IMPORT_DEFAULTS,
  WORK_ORDER_IMPORT_KIND,
  type WorkOrderImportResult,
} from "../work-order-import/import-work-orders.ts";
import "./admin-errors.ts";
import { WorkOrderRef, WorkOrderStatusEnum, workOrderById } from "./work-order.ts";

builder.objectType(ImportKeyConflict, {
  name: "ImportKeyConflict",
  description: "The idempotency key was used before with different rows; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ idempotencyKey: t.exposeString("idempotencyKey") }),
});
builder.objectType(ImportTooLarge, {
  name: "ImportTooLarge",
  description: "Too many rows for one call; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ rowCount: t.exposeInt("rowCount"), maxRows: t.exposeInt("maxRows") }),
});
builder.objectType(InvalidIdempotencyKey, {
  name: "InvalidIdempotencyKey",
  description: "The idempotency key is blank or too long; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ maxLength: t.exposeInt("maxLength") }),
});

const RowOutcomeEnum = builder.enumType("ImportRowOutcome", {
  values: {
    CREATED: { description: "A new work order was created." },
    UPDATED: { description: "The existing order (same number) was changed to match the row." },
    UNCHANGED: { description: "The existing order already matched the row." },
    REJECTED: { description: "The row was invalid and nothing was written for it; see errors." },
  } as const,
});

const ImportRowErrorRef = builder.objectRef<ImportRowError>("ImportRowError").implement({
  description: "One problem of one row.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "The row's position in the request, from 0." }),
    field: t.exposeString("field", { description: "The row's field at fault (schedule.periodEnd for nested ones)." }),
    code: t.exposeString("code", { description: "A code from the API's documented error codes." }),
    message: t.exposeString("message"),
  }),
});

const ImportRowResultRef = builder.objectRef<ImportRowResult>("WorkOrderImportRowResult").implement({
  fields: (t) => ({
    index: t.exposeInt("index"),
    number: t.exposeString("number"),
    outcome: t.field({ type: RowOutcomeEnum, resolve: (row) => row.outcome }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    workOrder: t.field({
      type: WorkOrderRef,
      nullable: true,
      description: "The order as it is now (needs schedule:read).",
      resolve: (row, _args, context) =>
        row.workOrderId ? context.loaders.of(workOrderById).load(row.workOrderId) : null,
    }),
    errors: t.field({ type: [ImportRowErrorRef], resolve: (row) => row.errors }),
  }),
});

const ImportResultRef = builder.objectRef<WorkOrderImportResult>("WorkOrderImportResult").implement({
  description: "What one import did, row by row; a retry with the same key returns the first call's result.",
  fields: (t) => ({
    importId: t.exposeID("importId"),
    idempotencyKey: t.exposeString("idempotencyKey"),
    replayed: t.exposeBoolean("replayed", {
      description: "True when this answer is the stored result of an earlier call with the same key.",
    }),
    completedAt: t.field({ type: "DateTime", resolve: (result) => new Date(result.completedAt) }),
    created: t.exposeInt("created"),
    updated: t.exposeInt("updated"),
    unchanged: t.exposeInt("unchanged"),
    rejected: t.exposeInt("rejected"),
    rows: t.field({ type: [ImportRowResultRef], resolve: (result) => result.rows }),
    errors: t.field({
      type: [ImportRowErrorRef],
      description: "Every row error, in row order.",
      resolve: (result) => result.rows.flatMap((row) => row.errors),
    }),
  }),
});

const ScheduleImportInput = builder.inputType("WorkOrderImportScheduleInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    periodStart: t.string({ required: true, description: "ISO 8601 with a zone." }),
    periodEnd: t.string({ required: true, description: "ISO 8601 with a zone." }),
  }),
});

const RowInput = builder.inputType("WorkOrderImportRowInput", {
  description: "One work order; times are text so a malformed one is reported for its row, not for the call.",
  fields: (t) => ({
    number: t.string({ required: true, description: "The order number: the upsert key." }),
    lineCode: t.string({ required: true }),
    productTypeCode: t.string({ required: true }),
    plannedQuantity: t.int({ required: true }),
    plannedStart: t.string({ required: true, description: "ISO 8601 with a zone, e.g. 2026-11-27T06:00:00Z." }),
    plannedEnd: t.string({ required: true }),
    priority: t.int(),
    externalRef: t.string({ description: "The order's id in the source system." }),
    status: t.field({ type: WorkOrderStatusEnum, description: "PLANNED (default) or RELEASED." }),
    schedule: t.field({
      type: ScheduleImportInput,
      description: "The schedule it belongs to, upserted by line and start.",
    }),
  }),
});

builder.mutationFields((t) => ({
  importWorkOrders: t.field({
    type: ImportResultRef,
    description: `Upserts up to ${WORK_ORDER_IMPORT_DEFAULTS.maxRows} work orders by number. Invalid rows are reported (index, field, code, message) and skipped; valid rows land. A retry with the same idempotency key and rows changes nothing and returns the first result; the same key with other rows is ImportKeyConflict.`,
    authScopes: { permission: "schedule:import" },
    errors: { types: [ImportKeyConflict, ImportTooLarge, InvalidIdempotencyKey, InputInvalid] },
    args: {
      idempotencyKey: t.arg.string({ required: true }),
      source: t.arg.string({ required: true, description: "The MES/ERP the rows come from, e.g. sap-pp." }),
      rows: t.arg({ type: [RowInput], required: true }),
    },
    resolve: (_root, args, context) =>
      importWorkOrders(
        context.prisma,
        auditActorOf(context),
        { idempotencyKey: args.idempotencyKey, source: args.source, rows: args.rows },
        { correlationId: context.correlationId },
      ),
  }),
}));

builder.queryFields((t) => ({
  workOrderImport: t.field({
    type: ImportResultRef,
    nullable: true,
    description: "The result of an earlier import by its idempotency key; null when there was none.",
    authScopes: { permission: "schedule:import" },
    args: { idempotencyKey: t.arg.string({ required: true }) },
    resolve: async (_root, args, { prisma }) => {
      const record = await prisma.integrationImport.findUnique({ where: { idempotencyKey: args.idempotencyKey } });
      if (!record || record.kind !== WORK_ORDER_IMPORT_KIND || record.status !== "COMPLETED") return null;
      return { ...(record.result as unknown as WorkOrderImportResult), replayed: true };
    },
  }),
}));
