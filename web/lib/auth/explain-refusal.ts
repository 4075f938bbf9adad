// Sign-in refusals in words an operator can act on.
import { AuthRefusal } from "./session-store";

export function explainAuthRefusal(error: unknown): string {
  if (error instanceof AuthRefusal) {
    if (error.code === "RATE_LIMITED") return "Too many attempts. Wait a minute and try again.";
    if (error.code === "UNAUTHENTICATED") return error.message || "Those details do not match an active account.";
    if (error.code === "SERVICE_UNAVAILABLE") return "The server cannot be reached. Check the network and try again.";
    return error.message;
  }
  return "The server cannot be reached. Check the network and try again.";
}
