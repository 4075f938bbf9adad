// The signed-in person as the gateway needs them after a password, PIN or refresh-token sign-in:
// enough to issue an access token and to tell the app what must happen next.
import { floorRolesOf, type Role } from "@ms5/schema";
import type { AccessTokenSubject } from "./access-tokens.ts";

export interface AuthenticatedUser {
  userId: string;
  username: string;
  employeeId: string;
  /** "First Last", as shown in the app and carried in the access token. */
  name: string;
  roles: Role[];
  /** The app must send the person to "choose a new password" before anything else. */
  mustChangePassword: boolean;
  /** The same for the tablet PIN. */
  mustChangePin: boolean;
}

/** The user columns an AuthenticatedUser is made from. */
export const AUTHENTICATED_USER_COLUMNS = {
  id: true,
  username: true,
  employeeId: true,
  firstName: true,
  lastName: true,
  roles: true,
  mustChangePassword: true,
  mustChangePin: true,
} as const;

export function toAuthenticatedUser(row: {
  id: string;
  username: string;
  employeeId: string;
  firstName: string;
  lastName: string;
  roles: readonly Role[];
  mustChangePassword: boolean;
  mustChangePin: boolean;
}): AuthenticatedUser {
  return {
    userId: row.id,
    username: row.username,
    employeeId: row.employeeId,
    name: `${row.firstName} ${row.lastName}`.trim(),
    roles: [...row.roles],
    mustChangePassword: row.mustChangePassword,
    mustChangePin: row.mustChangePin,
  };
}

/** The user as a PIN sign-in presents them: their floor roles only (FLOOR_ROLES). */
export function floorSessionOf(user: AuthenticatedUser): AuthenticatedUser {
  return { ...user, roles: floorRolesOf(user.roles) };
}

/** What `issueAccessToken` needs for this user. */
export function accessTokenSubjectOf(user: AuthenticatedUser): AccessTokenSubject {
  return { kind: "user", userId: user.userId, name: user.name, roles: user.roles };
}
