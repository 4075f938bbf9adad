// The person acting on a quality record: recordings, corrections, signatures and dispositions carry
// who did them, so a service account cannot take them.
import { ApiError, type SubgraphContext } from "@ms5/kit/subgraph";

export interface QualityActor {
  userId: string;
}

export function userActorOf(context: SubgraphContext): QualityActor {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a signed-in person can do this, not a service account.");
  }
  return { userId: context.identity.userId };
}
