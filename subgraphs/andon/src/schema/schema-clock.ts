// The time a mutation of notifications, alerts or maintenance records: the running subgraph's clock
// (a ManualClock in tests), or the system clock where the context has no andon runtime (the schema
// executed on its own, e.g. by a test).
import type { Context } from "../builder.ts";

export function nowFor(context: Context): Date {
  return context.andon?.clock.now() ?? new Date();
}
