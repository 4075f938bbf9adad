// Runs one administrative change and its audit-log row in one transaction: a refusal thrown inside
// rolls both back, so a refused change leaves the database exactly as it was.

import type { Prisma } from "@ms5/db";
import type { SubgraphContext } from "@ms5/kit/subgraph";
import { NotFound } from "@ms5/kit/subgraph";
import type { PlantChange } from "@ms5/schema";
import type { Context } from "../builder.ts";
import { DuplicateKey } from "./admin-errors.ts";
import { type AuditEntry, auditActorOf, writeAuditEntry } from "./audit-entry.ts";

/** Prisma's code for a unique constraint that refused a write. */
const UNIQUE_VIOLATION = "P2002";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/**
 * `change` reads, checks and writes inside the transaction and says what to audit. A unique key a
 * concurrent writer took between the check and the write still ends as DuplicateKey, not a crash.
 */
export async function auditedChange<Row>(
  context: SubgraphContext,
  entity: string,
  change: (tx: Prisma.TransactionClient) => Promise<{ row: Row; audit: AuditEntry }>,
): Promise<Row> {
  const actor = auditActorOf(context);
  try {
    return await context.prisma.$transaction(async (tx) => {
      const { row, audit } = await change(tx);
      await writeAuditEntry(tx, actor, audit, context.correlationId);
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateKey(entity, "key", "(taken concurrently)");
    throw error;
  }
}

/** One existing row an audited edit changes, and how refusals and the audit log name it. */
export interface EditedRow {
  /** As refusals name it, e.g. "shift pattern". */
  entity: string;
  /** As the audit log names it, e.g. "ShiftPattern". */
  entityType: string;
  /** The audit action, e.g. "shift-pattern.update". */
  action: string;
  id: string;
}

/**
 * An audited change of one existing row: `load` reads it inside the transaction (NotFound
 * when it is not there), `change` checks and writes it; the audit row holds it before and after.
 */
export function auditedEdit<Row extends object>(
  context: SubgraphContext,
  edited: EditedRow,
  load: (tx: Prisma.TransactionClient) => Promise<Row | null>,
  change: (tx: Prisma.TransactionClient, before: Row) => Promise<Row>,
): Promise<Row> {
  return auditedChange(context, edited.entity, async (tx) => {
    const before = await load(tx);
    if (!before) throw new NotFound(edited.entity, edited.id);
    const row = await change(tx, before);
    const { action, entityType, id } = edited;
    return { row, audit: { action, entityType, entityId: id, before, after: row } };
  });
}

/**
 * A committed change of a line or equipment, announced to every stream consumer (new lines' streams
 * followed, cached settings such as the micro-stop threshold read again) once it has committed.
 */
export async function announced<Row extends { id: string }>(
  context: Context,
  entity: PlantChange["entity"],
  change: Promise<Row>,
): Promise<Row> {
  const row = await change;
  // A schema executed on its own (tests) has no announcer: consumers find the change at their rescan.
  void context.plantChanges?.announce({ entity, id: row.id });
  return row;
}
