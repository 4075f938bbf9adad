// Builds the bridge's plant configuration from the plant model: PLCs, their equipment, each
// equipment's tag map and fault catalog. The API runs the same read inside an edit's transaction, so
// a change the bridge would refuse is refused before it commits.
import type { PrismaClient } from "@ms5/db";
import { type PlantConfig, parsePlantConfig } from "./plant-config.ts";

/** A client or a transaction: anything that reads PLCs. */
export type PlcReader = Pick<PrismaClient, "plc">;

export async function loadPlantConfigFromDatabase(prisma: PlcReader): Promise<PlantConfig> {
  return parsePlantConfig(await plantConfigInputFromDatabase(prisma));
}

/** The plant configuration as read, not yet validated (plantConfigProblems / parsePlantConfig). */
export async function plantConfigInputFromDatabase(prisma: PlcReader): Promise<{ plcs: unknown[] }> {
  const plcs = await prisma.plc.findMany({
    orderBy: { name: "asc" },
    include: {
      equipment: {
        where: { active: true, tagMapId: { not: null } },
        orderBy: { code: "asc" },
        // Switched-off entries too: their bits keep their codes, and the andon service (which reads
        // `active`) decides that they raise nothing; left out, they would arrive as UNKNOWN-<bit>
        // and open an uncatalogued MAINTENANCE andon.
        include: { line: true, tagMap: true, faults: { orderBy: { bitIndex: "asc" } } },
      },
    },
  });
  return {
    plcs: plcs
      .filter((plc) => plc.equipment.length > 0)
      .map((plc) => {
        const options = (plc.connectionOptions ?? {}) as { timeoutMs?: number; connected?: boolean };
        return {
          name: plc.name,
          driver: plc.driver,
          host: plc.host,
          port: plc.port,
          slot: plc.slot,
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.connected !== undefined ? { connected: options.connected } : {}),
          equipment: plc.equipment.map((eq) => ({
            code: eq.code,
            line: eq.line.code,
            tagPrefix: eq.plcTagPrefix ?? "",
            tags: eq.tagMap!.tags,
            faultCatalog: eq.faults.map((f) => ({ bitIndex: f.bitIndex, faultCode: f.faultCode, text: f.text })),
          })),
        };
      }),
  };
}
