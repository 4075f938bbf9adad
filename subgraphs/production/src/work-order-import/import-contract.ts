// The work-order import's contract with integrators: the rows they send, the per-row result they
// get back (also kept on the IntegrationImport row for a retry), and the limits of one call.
import type { WorkOrderStatus } from "@ms5/db";
import type { ErrorCode } from "@ms5/schema";

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
