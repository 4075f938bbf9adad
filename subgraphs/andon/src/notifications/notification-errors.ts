// Outcomes of the inbox and preference mutations a client is expected to handle.
import { ExpectedError } from "@ms5/kit/subgraph";

/** The id names no notification of the caller's (someone else's is not revealed either). */
export class NotificationNotFound extends ExpectedError {
  override name = "NotificationNotFound";
  constructor(readonly notificationId: string) {
    super("NOT_FOUND", `You have no notification ${notificationId}.`);
  }
}

/** A preference set that cannot be applied; nothing was changed. */
export class NotificationPreferenceInvalid extends ExpectedError {
  override name = "NotificationPreferenceInvalid";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("BAD_USER_INPUT", message);
  }
}
