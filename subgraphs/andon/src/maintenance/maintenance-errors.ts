// Outcomes of the maintenance workflow a client is expected to handle: thrown by the domain
// functions (nothing changed), returned as typed union members by the GraphQL errors plugin.
import type { MaintenanceStatus } from "@ms5/db";
import { ExpectedError } from "@ms5/kit/subgraph";

/** The work order's status does not allow the operation. */
export class InvalidMaintenanceTransition extends ExpectedError {
  override name = "InvalidMaintenanceTransition";
  constructor(
    readonly workOrderId: string,
    readonly from: MaintenanceStatus,
    readonly to: MaintenanceStatus | null,
    operation: string,
  ) {
    super("INVALID_STATE_TRANSITION", `Work order ${workOrderId} is ${from}: it cannot ${operation}.`);
  }
}

/** A work order cannot be completed while tasks are still to do. */
export class MaintenanceTasksOpen extends ExpectedError {
  override name = "MaintenanceTasksOpen";
  constructor(
    readonly workOrderId: string,
    readonly openTaskIds: readonly string[],
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      `Work order ${workOrderId} has ${openTaskIds.length} task(s) still to do: mark them done or skipped first.`,
    );
  }
}
