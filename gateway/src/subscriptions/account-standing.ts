// Whether the people behind open graphql-ws connections may still hold them: an access token says
// who someone was when it was issued; the database says whether they are still active and which
// roles they hold now, so a deactivated or demoted person's live feeds end within seconds.
import type { PrismaClient } from "@ms5/db";

/** A person's account as it stands now. */
export interface AccountStanding {
  active: boolean;
  roles: readonly string[];
}

/** Reads the standing of these users; a user missing from the answer no longer exists. */
export type AccountStandings = (userIds: readonly string[]) => Promise<ReadonlyMap<string, AccountStanding>>;

/** One query for all the users asked about. */
export function accountStandingsOf(prisma: Pick<PrismaClient, "user">): AccountStandings {
  return async (userIds) => {
    const rows = await prisma.user.findMany({
      where: { id: { in: [...userIds] } },
      select: { id: true, active: true, roles: true },
    });
    return new Map(rows.map((row) => [row.id, { active: row.active, roles: row.roles }]));
  };
}

/** Why a connection of this person must end now, or undefined when it may stay. */
export function lapsedStandingOf(
  tokenRoles: readonly string[],
  standing: AccountStanding | undefined,
): { code: 4401 | 4403; reason: string } | undefined {
  if (!standing?.active) return { code: 4403, reason: "This account is deactivated." };
  const held = new Set(standing.roles);
  if (tokenRoles.some((role) => !held.has(role))) {
    return { code: 4401, reason: "This account's roles changed: reconnect with a fresh access token." };
  }
  return undefined;
}
