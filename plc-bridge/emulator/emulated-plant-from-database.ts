// The emulated plant for `pnpm start`: one emulated controller per PLC of the plant model, of the
// model's family (a Logix, or an SLC 5/05 for SLC_PCCC), each with the equipment the model puts on
// it, so the demo's bridge reads exactly what a real plant's bridge would (same addresses, tag
// prefixes, fault catalog bits).
import type { PrismaClient } from "@ms5/db";
import type { EmulatedEquipment } from "./equipment-simulation.ts";

/** The controller families the emulator has a personality for. */
export const EMULATED_DRIVERS = ["LOGIX", "SLC_PCCC"] as const;
export type EmulatedDriver = (typeof EMULATED_DRIVERS)[number];

export interface EmulatedPlc {
  name: string;
  driver: EmulatedDriver;
  host: string;
  port: number;
  seed: number;
  equipment: EmulatedEquipment[];
}

export async function emulatedPlantFromDatabase(prisma: PrismaClient): Promise<EmulatedPlc[]> {
  const plcs = await prisma.plc.findMany({
    where: { driver: { in: [...EMULATED_DRIVERS] } },
    orderBy: { name: "asc" },
    include: {
      equipment: {
        where: { active: true, tagMapId: { not: null } },
        orderBy: { code: "asc" },
        include: { tagMap: true, faults: { where: { active: true }, select: { bitIndex: true } } },
      },
    },
  });
  // A check weigher simulates weights around the nominal of the characteristic its weights feed.
  const liveNominals = await prisma.qualityCharacteristic.findMany({
    where: { liveSignal: "weight", active: true, nominal: { not: null }, template: { equipmentId: { not: null } } },
    select: { nominal: true, template: { select: { equipmentId: true } } },
  });
  const nominalOf = new Map(liveNominals.map((c) => [c.template.equipmentId!, c.nominal!]));
  return plcs
    .filter((plc) => plc.equipment.length > 0)
    .map((plc, index) => ({
      name: plc.name,
      driver: plc.driver as EmulatedDriver,
      // The emulators stand in for PLCs on this machine, whatever address the model gives.
      host: "127.0.0.1",
      port: plc.port,
      seed: index + 1,
      equipment: plc.equipment.map((eq) => {
        const weightRing = (eq.tagMap!.tags as { weightRing?: { length?: number } }).weightRing;
        if (weightRing) {
          return {
            tagPrefix: eq.plcTagPrefix ?? "",
            targetSpeedPerMinute: eq.targetSpeedPerMinute,
            faultWords: 1 as const,
            faultBits: [],
            checkWeigher: { nominalKg: nominalOf.get(eq.id) ?? 25, ringLength: weightRing.length ?? 16 },
          };
        }
        // An SLC keeps 64 fault bits in B3:0-B3:3 whatever the map reads; a Logix one or two DINTs
        const faultWords =
          plc.driver === "SLC_PCCC" ||
          (eq.tagMap!.tags as { faultWords?: { length?: number } }).faultWords?.length === 2
            ? 2
            : 1;
        return {
          tagPrefix: eq.plcTagPrefix ?? "",
          targetSpeedPerMinute: eq.targetSpeedPerMinute,
          faultWords,
          faultBits: eq.faults.map((f) => f.bitIndex).filter((bit) => bit < faultWords * 32),
        };
      }),
    }));
}
