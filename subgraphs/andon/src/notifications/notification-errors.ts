// Outcomes of the inbox and preference mutations a client is expected to handle.
import { ExpectedError } from "@ms5/kit/subgraph";

/** The id names no notification of the caller's (someone else's is not revealed either). */
export class NotificationNotFound extends ExpectedError {
  override name = "NotificationNotFound";
  constructor(readonly notificationId: string) {
    super("NOT_FOUND", `You have no notification ${notificationId}.`);
  }
}

/** Preferences, paging or ids that cannot be applied; nothing was changed. */
export class NotificationInputInvalid extends ExpectedError {
  override name = "NotificationInputInvalid";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("BAD_USER_INPUT", message);
  }
}
