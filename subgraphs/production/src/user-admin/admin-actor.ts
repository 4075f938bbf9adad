// Who is administering: a person or an integrator's service account, with the permissions they hold
// (an API key may only grant what its issuer holds, a role only what its granter holds, and an
// account is changed only by someone holding all its permissions) and the audit row every change writes.
import type { Prisma } from "@ms5/db";
import { ApiError, type SubgraphContext } from "@ms5/kit/subgraph";
import { type Permission, permissionsOf, type Role } from "@ms5/schema";
import { type AuditEntry, writeAuditEntry } from "../plant-admin/audit-entry.ts";
import { AccountNotManageable, RolesNotGrantable } from "./user-admin-errors.ts";

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

/** The permissions of `roles` the actor does not hold, sorted; empty when the actor holds them all. */
function permissionsBeyond(actor: AdminActor, roles: readonly Role[]): Permission[] {
  return [...permissionsOf(roles)].filter((permission) => !actor.permissions.has(permission)).sort();
}

/** Throws RolesNotGrantable unless the actor holds every permission of every role in `roles`. */
export function assertRolesGrantable(actor: AdminActor, roles: readonly Role[]): void {
  const missing = permissionsBeyond(actor, roles);
  if (missing.length === 0) return;
  const beyond = roles.filter((role) => permissionsBeyond(actor, [role]).length > 0);
  throw new RolesNotGrantable(beyond, missing);
}

/**
 * Throws AccountNotManageable unless the actor holds every permission the target account has: a key
 * scoped to user:manage must not reset an administrator's password and take the account.
 */
export function assertAccountManageable(actor: AdminActor, target: { id: string; roles: readonly Role[] }): void {
  const missing = permissionsBeyond(actor, target.roles);
  if (missing.length > 0) throw new AccountNotManageable(target.id, missing);
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
