// Who is administering: a person or an integrator's service account, with the permissions they hold
// (an API key may only grant what its issuer holds) and the audit row every change writes.
import type { Prisma } from "@ms5/db";
import { ApiError, type SubgraphContext } from "@ms5/kit/subgraph";
import type { Permission } from "@ms5/schema";

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

export async function writeAdminAudit(
  tx: Prisma.TransactionClient,
  actor: AdminActor,
  entry: {
    action: string;
    entityType: "User" | "ServiceAccount" | "ApiKey";
    entityId: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorUserId: actor.userId,
      actorServiceAccountId: actor.serviceAccountId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before === undefined ? undefined : (entry.before as Prisma.InputJsonValue),
      after: entry.after === undefined ? undefined : (entry.after as Prisma.InputJsonValue),
      correlationId: actor.correlationId,
    },
  });
}
