// Whether the callers behind open graphql-ws connections may still hold them: an access token says
// who someone was when it was issued, and an API key was good when the connection opened; the
// database says whether the person is still active with the roles they hold now, and whether the
// key is still unrevoked, unexpired, of an active service account and with the scopes it granted.
// A deactivated or demoted person's, and a revoked key's, live feeds end within seconds.
import type { PrismaClient } from "@ms5/db";
import { API_KEY_PATTERN } from "@ms5/kit/auth";

/** A person's account as it stands now. */
export interface AccountStanding {
  active: boolean;
  roles: readonly string[];
}

/** An API key as it stands now. */
export interface ApiKeyStanding {
  revoked: boolean;
  expiresAt: Date | null;
  accountActive: boolean;
  scopes: readonly string[];
}

/**
 * Reads the standing of these people and these API keys (by prefix); a user or key missing from
 * the answer no longer exists.
 */
export interface AccountStandings {
  users(userIds: readonly string[]): Promise<ReadonlyMap<string, AccountStanding>>;
  apiKeys(prefixes: readonly string[]): Promise<ReadonlyMap<string, ApiKeyStanding>>;
}

/** One query for all the users asked about, one for all the keys. */
export function accountStandingsOf(prisma: Pick<PrismaClient, "user" | "apiKey">): AccountStandings {
  return {
    async users(userIds) {
      const rows = await prisma.user.findMany({
        where: { id: { in: [...userIds] } },
        select: { id: true, active: true, roles: true },
      });
      return new Map(rows.map((row) => [row.id, { active: row.active, roles: row.roles }]));
    },
    async apiKeys(prefixes) {
      const rows = await prisma.apiKey.findMany({
        where: { prefix: { in: [...prefixes] } },
        select: {
          prefix: true,
          revokedAt: true,
          expiresAt: true,
          scopes: true,
          serviceAccount: { select: { active: true } },
        },
      });
      return new Map(
        rows.map((row) => [
          row.prefix,
          {
            revoked: row.revokedAt !== null,
            expiresAt: row.expiresAt,
            accountActive: row.serviceAccount.active,
            scopes: row.scopes,
          },
        ]),
      );
    },
  };
}

/** Why a connection must end now, or undefined when it may stay. */
export type LapsedStanding = { code: 4401 | 4403; reason: string } | undefined;

/** Why a connection of this person must end now, or undefined when it may stay. */
export function lapsedStandingOf(tokenRoles: readonly string[], standing: AccountStanding | undefined): LapsedStanding {
  if (!standing?.active) return { code: 4403, reason: "This account is deactivated." };
  const held = new Set(standing.roles);
  if (tokenRoles.some((role) => !held.has(role))) {
    return { code: 4401, reason: "This account's roles changed: reconnect with a fresh access token." };
  }
  return undefined;
}

/** The prefix of the API key an Authorization value carries, or undefined for any other credential. */
export function apiKeyPrefixOf(authorization: string): string | undefined {
  return API_KEY_PATTERN.exec(authorization.replace(/^Bearer\s+/i, ""))?.[1];
}

/**
 * Why a connection opened with an API key must end now: revoked or deactivated is for good (4403),
 * an expiry or a narrowed scope asks for a new credential (4401).
 */
export function lapsedApiKeyOf(
  connectionPermissions: ReadonlySet<string>,
  standing: ApiKeyStanding | undefined,
  now: Date,
): LapsedStanding {
  if (!standing || standing.revoked) return { code: 4403, reason: "This API key has been revoked." };
  if (!standing.accountActive) return { code: 4403, reason: "The service account of this API key is deactivated." };
  if (standing.expiresAt && standing.expiresAt <= now) return { code: 4401, reason: "This API key has expired." };
  const granted = new Set(standing.scopes);
  if ([...connectionPermissions].some((permission) => !granted.has(permission))) {
    return { code: 4401, reason: "This API key's scopes changed: reconnect." };
  }
  return undefined;
}
