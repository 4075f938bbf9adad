// One audit-log row per administrative change, written in the change's own transaction, so the log
// and the change commit or roll back together. The log is append-only (a database trigger).
import type { Prisma } from "@ms5/db";
import type { SubgraphContext } from "@ms5/kit/subgraph";

/** Who made a change: a person or an integrator's service account. */
export type AuditActor = { userId: string } | { serviceAccountId: string };

/** The signed-in caller as an audit actor; guarded fields never run for anonymous callers. */
export function auditActorOf(context: SubgraphContext): AuditActor {
  const { identity } = context;
  if (identity.kind === "user") return { userId: identity.userId };
  if (identity.kind === "service") return { serviceAccountId: identity.serviceAccountId };
  throw new Error("an anonymous caller reached an audited change");
}

/** A row as the audit log keeps it: JSON, dates as ISO strings. */
export function auditSnapshot(row: object | null | undefined): Prisma.InputJsonValue | undefined {
  if (!row) return undefined;
  return JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
}

export interface AuditEntry {
  /** `<entity>.<verb>`, e.g. `line.create`, `work-order.status`. */
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

export async function writeAuditEntry(
  tx: Prisma.TransactionClient,
  actor: AuditActor,
  entry: AuditEntry,
  correlationId?: string,
): Promise<void> {
  const before = auditSnapshot(entry.before);
  const after = auditSnapshot(entry.after);
  await tx.auditLog.create({
    data: {
      ...("userId" in actor ? { actorUserId: actor.userId } : { actorServiceAccountId: actor.serviceAccountId }),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
      ...(correlationId ? { correlationId } : {}),
    },
  });
}
