// The outcomes of user and API-key administration a client is expected to handle: thrown by the
// domain functions, returned as typed union members by the GraphQL errors plugin.
import { ExpectedError } from "@ms5/kit/subgraph";

/** Another user (or service account) already has this username, employee id, e-mail or name. */
export class AlreadyTaken extends ExpectedError {
  override name = "AlreadyTaken";
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super("CONFLICT", `The ${field} "${value}" is already taken.`);
  }
}

/** The change would leave the plant without an active administrator. */
export class LastAdministrator extends ExpectedError {
  override name = "LastAdministrator";
  constructor(readonly userId: string) {
    super(
      "CONFLICT",
      "This is the last active administrator: make someone else an administrator first, so the plant is never locked out.",
    );
  }
}

/** An API key may only carry permissions the person issuing it holds. */
export class ScopesNotGrantable extends ExpectedError {
  override name = "ScopesNotGrantable";
  constructor(readonly scopes: readonly string[]) {
    super("FORBIDDEN", `You cannot grant permissions you do not hold: ${scopes.join(", ")}.`);
  }
}

/** The target is not in a state that allows this step (deactivating a deactivated user...). */
export class AdminStateConflict extends ExpectedError {
  override name = "AdminStateConflict";
  constructor(message: string) {
    super("INVALID_STATE_TRANSITION", message);
  }
}

/** A role may only be granted by a caller who holds every permission it carries. */
export class RolesNotGrantable extends ExpectedError {
  override name = "RolesNotGrantable";
  constructor(
    readonly roles: readonly string[],
    readonly permissions: readonly string[],
  ) {
    super(
      "FORBIDDEN",
      `You cannot grant ${roles.join(", ")}: it carries permissions you do not hold (${permissions.join(", ")}). Nothing was changed.`,
    );
  }
}

/** The account holds permissions the caller does not: only someone holding them may change or reset it. */
export class AccountNotManageable extends ExpectedError {
  override name = "AccountNotManageable";
  constructor(
    readonly userId: string,
    readonly permissions: readonly string[],
  ) {
    super(
      "FORBIDDEN",
      `This account has permissions you do not hold (${permissions.join(", ")}): ask someone who holds them. Nothing was changed.`,
    );
  }
}
