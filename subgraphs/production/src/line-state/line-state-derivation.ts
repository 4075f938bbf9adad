// A line's state from its equipment's: the constraint (bottleneck) decides when the line has one,
// because the line makes what its constraint makes; otherwise the most severe state wins.
import type { EquipmentState } from "@ms5/schema";

/** Most severe first: a line with one machine down is down. COMMS_LOST only when nothing is known. */
const SEVERITY: readonly EquipmentState[] = ["DOWN", "CHANGEOVER", "PLANNED_STOP", "IDLE", "RUNNING"];

export function deriveLineState(
  equipment: readonly { state: EquipmentState; isConstraint: boolean }[],
): EquipmentState | undefined {
  if (equipment.length === 0) return undefined;
  const constraint = equipment.find((e) => e.isConstraint);
  if (constraint) return constraint.state;
  const known = equipment.filter((e) => e.state !== "COMMS_LOST");
  if (known.length === 0) return "COMMS_LOST";
  return SEVERITY.find((state) => known.some((e) => e.state === state));
}
