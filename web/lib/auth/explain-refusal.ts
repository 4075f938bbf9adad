// Sign-in refusals in words an operator can act on.
import { AuthRefusal } from "./session-store";

/** The gateway's reasons that mean "right secret, but choose a new one first". */
export const CHANGE_REQUIRED = { password: "password-change-required", pin: "pin-change-required" } as const;

export function mustChooseNew(error: unknown, secret: keyof typeof CHANGE_REQUIRED): boolean {
  return error instanceof AuthRefusal && error.reason === CHANGE_REQUIRED[secret];
}

export function explainAuthRefusal(error: unknown): string {
  if (error instanceof AuthRefusal) {
    if (error.code === "RATE_LIMITED") return "Too many attempts. Wait a minute and try again.";
    if (error.code === "UNAUTHENTICATED") return error.message || "Those details do not match an active account.";
    if (error.code === "SERVICE_UNAVAILABLE") return "The server cannot be reached. Check the network and try again.";
    return error.message;
  }
  return "The server cannot be reached. Check the network and try again.";
}
