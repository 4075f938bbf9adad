"use client";
// Whether the bridge reaches a PLC, from the live state of the equipment read from it: the bridge
// marks every machine of a PLC it cannot reach, so one machine's commsOk speaks for the controller.
import type { PlcAdminPlcFieldsFragment } from "@/lib/graphql/generated/graphql";

export function PlcLink({ plc }: { plc: PlcAdminPlcFieldsFragment }) {
  const equipment = plc.equipment ?? [];
  if (equipment.length === 0) return <span className="muted">Not polled (no equipment)</span>;
  const lost = equipment.filter((item) => item.liveState?.commsOk === false);
  const known = equipment.filter((item) => typeof item.liveState?.commsOk === "boolean");
  if (lost.length > 0) return <span data-state="lost">✕ Link lost ({lost.map((item) => item.code).join(", ")})</span>;
  if (known.length === 0) return <span className="muted">No reading yet</span>;
  return <span data-state="ok">● Reading</span>;
}
