// Runs one administrative change and its audit-log row in one transaction: a refusal thrown inside
// rolls both back, so a refused change leaves the database exactly as it was.
import type { Prisma } from "@ms5/db";
import type { SubgraphContext } from "@ms5/kit/subgraph";
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
