// Service accounts for MES/ERP/BI integrators and their API keys: a key is shown once at issue, may
// only carry permissions its issuer holds, and is revoked, never deleted, so the audit trail keeps it.

import type { ApiKey, PrismaClient, ServiceAccount } from "@ms5/db";
import { AuthError, type IssuedApiKey, issueApiKey } from "@ms5/kit/auth";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { isPermission } from "@ms5/schema";
import { type AdminActor, writeAdminAudit } from "./admin-actor.ts";
import { AdminStateConflict, AlreadyTaken, ScopesNotGrantable } from "./user-admin-errors.ts";

const SERVICE_ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{2,59}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export async function createServiceAccount(
  prisma: PrismaClient,
  actor: AdminActor,
  input: { name: string; description?: string | null },
): Promise<ServiceAccount> {
  const name = input.name.trim();
  if (!SERVICE_ACCOUNT_NAME.test(name)) {
    throw new InputInvalid("name", "A service account name is 3 to 60 letters, digits, spaces, dots or dashes.");
  }
  const description = input.description?.trim().slice(0, 500) || null;
  try {
    return await prisma.$transaction(async (tx) => {
      const account = await tx.serviceAccount.create({
        data: { name, description, createdById: actor.userId },
      });
      await writeAdminAudit(tx, actor, {
        action: "service-account.created",
        entityType: "ServiceAccount",
        entityId: account.id,
        after: { name, description },
      });
      return account;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyTaken("name", name);
    throw error;
  }
}

/** Deactivating an account stops every key of it at once (verification checks the account). */
export async function setServiceAccountActive(
  prisma: PrismaClient,
  actor: AdminActor,
  id: string,
  active: boolean,
): Promise<ServiceAccount> {
  if (!UUID_PATTERN.test(id)) throw new NotFound("service account", id);
  return prisma.$transaction(async (tx) => {
    const changed = await tx.serviceAccount.updateMany({ where: { id, active: !active }, data: { active } });
    const account = await tx.serviceAccount.findUnique({ where: { id } });
    if (!account) throw new NotFound("service account", id);
    if (changed.count === 0) {
      throw new AdminStateConflict(`Service account ${account.name} is already ${active ? "active" : "deactivated"}.`);
    }
    await writeAdminAudit(tx, actor, {
      action: active ? "service-account.reactivated" : "service-account.deactivated",
      entityType: "ServiceAccount",
      entityId: id,
      before: { active: !active },
      after: { active },
    });
    return account;
  });
}

export async function issueServiceAccountKey(
  prisma: PrismaClient,
  actor: AdminActor,
  input: { serviceAccountId: string; scopes: readonly string[]; expiresAt?: Date | null },
): Promise<{ issued: IssuedApiKey; apiKey: ApiKey }> {
  if (!UUID_PATTERN.test(input.serviceAccountId)) {
    throw new NotFound("service account", input.serviceAccountId);
  }
  const notHeld = input.scopes.filter((scope) => isPermission(scope) && !actor.permissions.has(scope));
  if (notHeld.length > 0) throw new ScopesNotGrantable(notHeld);
  try {
    return await prisma.$transaction(async (tx) => {
      const issued = await issueApiKey(tx, {
        serviceAccountId: input.serviceAccountId,
        scopes: input.scopes,
        expiresAt: input.expiresAt ?? null,
      });
      await writeAdminAudit(tx, actor, {
        action: "api-key.issued",
        entityType: "ApiKey",
        entityId: issued.apiKeyId,
        // The prefix finds the key again; the key itself is never written anywhere.
        after: {
          serviceAccountId: issued.serviceAccountId,
          prefix: issued.prefix,
          scopes: issued.scopes,
          expiresAt: issued.expiresAt?.toISOString() ?? null,
        },
      });
      const apiKey = await tx.apiKey.findUniqueOrThrow({ where: { id: issued.apiKeyId } });
      return { issued, apiKey };
    });
  } catch (error) {
    if (error instanceof AuthError && error.code === "BAD_USER_INPUT") {
      if (/service account/.test(error.message) && /no service account/.test(error.message)) {
        throw new NotFound("service account", input.serviceAccountId);
      }
      throw new InputInvalid(/scope/i.test(error.message) ? "scopes" : "input", error.message);
    }
    throw error;
  }
}

/** Revoking is idempotent: a key already revoked stays as it is and no second audit row is written. */
export async function revokeServiceAccountKey(
  prisma: PrismaClient,
  actor: AdminActor,
  apiKeyId: string,
): Promise<ApiKey> {
  if (!UUID_PATTERN.test(apiKeyId)) throw new NotFound("API key", apiKeyId);
  return prisma.$transaction(async (tx) => {
    const revokedAt = new Date();
    const changed = await tx.apiKey.updateMany({ where: { id: apiKeyId, revokedAt: null }, data: { revokedAt } });
    const key = await tx.apiKey.findUnique({ where: { id: apiKeyId } });
    if (!key) throw new NotFound("API key", apiKeyId);
    if (changed.count === 1) {
      await writeAdminAudit(tx, actor, {
        action: "api-key.revoked",
        entityType: "ApiKey",
        entityId: apiKeyId,
        after: { serviceAccountId: key.serviceAccountId, prefix: key.prefix, revokedAt: revokedAt.toISOString() },
      });
    }
    return key;
  });
}
