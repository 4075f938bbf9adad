// The time a mutation of notifications, alerts or maintenance records: the running subgraph's clock
// (a ManualClock in tests), or the system clock where no andon runtime is registered (the schema
// executed on its own, e.g. the SDL printer).
import type { SubgraphContext } from "@ms5/kit/subgraph";
import { andonRuntimeOf } from "../andons/andon-runtime.ts";

export function nowFor(context: SubgraphContext): Date {
  try {
    return andonRuntimeOf(context.redis).clock.now();
  } catch {
    return new Date();
  }
}
