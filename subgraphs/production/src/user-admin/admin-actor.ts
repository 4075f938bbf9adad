// Who is administering: a person or an integrator's service account, with the permissions they hold
// (an API key may only grant what its issuer holds) and the audit row every change writes.
import type { Prisma } from "@ms5/db";
import { ApiError, type SubgraphContext } from "@ms5/kit/subgraph";
import type { Permission } from "@ms5/schema";
import { type AuditEntry, writeAuditEntry } from "../plant-admin/audit-entry.ts";

export interface AdminActor {
  userId: string | null;
  serviceAccountId: string | null;
  permissions: ReadonlySet<Permission>;
  correlationId: string | null;
}

export function adminActorOf(context: SubgraphContext): AdminActor {
  const { identity } = context;
  if (identity.kind === "anonymous") throw new ApiError("UNAUTHENTICATED", "Sign in first.");
  return {
    userId: identity.kind === "user" ? identity.userId : null,
    serviceAccountId: identity.kind === "service" ? identity.serviceAccountId : null,
    permissions: identity.permissions as ReadonlySet<Permission>,
    correlationId: context.correlationId ?? null,
  };
}

/** The audit row of an account change, through the one audit writer the plant admin uses. */
export async function writeAdminAudit(
  tx: Prisma.TransactionClient,
  actor: AdminActor,
  entry: AuditEntry & { entityType: "User" | "ServiceAccount" | "ApiKey" },
): Promise<void> {
  const auditActor = actor.userId ? { userId: actor.userId } : { serviceAccountId: actor.serviceAccountId ?? "" };
  await writeAuditEntry(tx, auditActor, entry, actor.correlationId ?? undefined);
}
