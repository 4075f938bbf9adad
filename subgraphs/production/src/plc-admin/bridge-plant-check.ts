// The last check of a PLC, tag-map or equipment-binding edit, inside its transaction: the plant as the
// bridge would load it after the change, validated by the bridge's own schema. A change the bridge
// would refuse (and so keep polling the old plant) is refused here instead, and rolls back.
import type { Prisma } from "@ms5/db";
import { InputInvalid } from "@ms5/kit/subgraph";
import { plantConfigProblems } from "@ms5/plc-bridge/plant-config";
import { plantConfigInputFromDatabase } from "@ms5/plc-bridge/plant-config-from-database";

export async function refusePlantTheBridgeWouldRefuse(tx: Prisma.TransactionClient, field: string): Promise<void> {
  const plant = await plantConfigInputFromDatabase(tx);
  const [problem] = plantConfigProblems(plant);
  if (!problem) return;
  // `plcs.0.equipment.1.tags.speed.tag` in words: the PLC, the equipment and the signal
  const [, plcIndex, , equipmentIndex, ...rest] = problem.path.split(".");
  const plc = plant.plcs[Number(plcIndex)] as { name?: string; equipment?: { code?: string }[] } | undefined;
  const equipment = plc?.equipment?.[Number(equipmentIndex)]?.code;
  const where = [plc?.name && `PLC ${plc.name}`, equipment && `equipment ${equipment}`, rest.join(".")]
    .filter(Boolean)
    .join(", ");
  throw new InputInvalid(field, `The PLC bridge would refuse this change (${where}): ${problem.message}`);
}
