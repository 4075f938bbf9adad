// The production benchmark's plant: a migrated database of its own with the demo plant seeded, plus
// the plant load of 20 lines x 5 equipment (equipment 0 of each line is its constraint),
// and the bridge configuration that reads them from emulated PLCs at 50 tags per equipment.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import {
  createTemplateDatabase,
  createTestDatabase,
  dropRunDatabases,
  type TestDatabase,
  testServerUrl,
} from "@ms5/db/test-database";

export const PLANT_LOAD = {
  lines: 20,
  equipmentPerLine: 5,
  tagsPerEquipment: 50,
  /** Scan of every tag group (1 Hz), except the measured equipment's state group. */
  scanMs: 1_000,
  /** The measured equipment's state tags: a fast scan a real controller serves for a few tags (the bridge allows 20 ms). */
  stateScanMs: 50,
} as const;

export interface BenchLine {
  id: string;
  code: string;
  equipment: { id: string; code: string; tagPrefix: string }[];
}

export interface BenchPlant {
  db: TestDatabase;
  lines: BenchLine[];
  drop(): Promise<void>;
}

export async function openBenchPlant(): Promise<BenchPlant> {
  const serverUrl = testServerUrl();
  const runId = `bench${randomBytes(3).toString("hex")}`;
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
  await seedPlant(db.prisma, { fastHashing: true, now: new Date() });
  const lines = await addLoadLines(db.prisma);
  return {
    db,
    lines,
    async drop() {
      await db.prisma.$disconnect();
      await dropRunDatabases(serverUrl, runId);
    },
  };
}

async function addLoadLines(prisma: PrismaClient): Promise<BenchLine[]> {
  const area = await prisma.area.findFirstOrThrow();
  const lines: BenchLine[] = [];
  for (let l = 0; l < PLANT_LOAD.lines; l++) {
    const line = await prisma.line.create({
      data: { areaId: area.id, code: `load-${l}`, name: `Load Line ${l}`, microStopThresholdSeconds: 120 },
    });
    const equipment = [];
    for (let e = 0; e < PLANT_LOAD.equipmentPerLine; e++) {
      const row = await prisma.equipment.create({
        data: {
          lineId: line.id,
          code: `L${l}-EQ${e}`,
          name: `Load ${l} machine ${e}`,
          kind: "bagger",
          sequence: e,
          isConstraint: e === 0,
          targetSpeedPerMinute: 40,
        },
      });
      equipment.push({ id: row.id, code: row.code, tagPrefix: `Program:L${l}E${e}` });
    }
    lines.push({ id: line.id, code: line.code, equipment });
  }
  return lines;
}

/** The bridge's plant file for the load lines: every tag at 1 Hz, the measured state tags faster. */
export function bridgePlantConfig(lines: readonly BenchLine[], ports: readonly number[]) {
  const extraTags = PLANT_LOAD.tagsPerEquipment - 13;
  const scan = PLANT_LOAD.scanMs;
  return {
    plcs: lines.map((line, l) => ({
      name: `PLC-LOAD-${l}`,
      host: "127.0.0.1",
      port: ports[l]!,
      timeoutMs: 2_000,
      equipment: line.equipment.map((eq, e) => {
        const stateScan = e === 0 ? PLANT_LOAD.stateScanMs : scan;
        return {
          code: eq.code,
          line: line.code,
          tagPrefix: eq.tagPrefix,
          tags: {
            running: { tag: "Running", type: "BOOL", scanMs: stateScan },
            stateCode: { tag: "StateCode", type: "DINT", scanMs: stateScan },
            faultWords: { tag: "Faults", type: "DINT", length: 2, scanMs: stateScan },
            firstOutFault: { tag: "FirstOutFault", type: "DINT", scanMs: stateScan },
            goodCount: { tag: "GoodCount", type: "DINT", scanMs: scan },
            rejectCount: { tag: "RejectCount", type: "DINT", scanMs: scan },
            speed: { tag: "Speed", type: "REAL", scanMs: scan, deadband: 0.5, heartbeatMs: 10_000 },
            energyKwh: { tag: "EnergyKWh", type: "REAL", scanMs: scan, deadband: 0.01, heartbeatMs: 60_000 },
            jawTemperature: { tag: "JawTempC", type: "REAL", scanMs: scan, deadband: 0.5, heartbeatMs: 30_000 },
            idleReason: { tag: "Diag_SINT", type: "SINT", scanMs: scan },
            recipe: { tag: "Diag_INT", type: "INT", scanMs: scan },
            lifetimeUnits: { tag: "Diag_LINT", type: "LINT", scanMs: scan },
            runningHours: { tag: "Diag_LREAL", type: "LREAL", scanMs: scan, deadband: 0.01 },
            ...Object.fromEntries(
              Array.from({ length: extraTags }, (_, t) => [
                `analog${t}`,
                { tag: `Extra_${t}`, type: "REAL", scanMs: scan, deadband: 0.1, heartbeatMs: 10_000 },
              ]),
            ),
          },
          faultCatalog: [],
        };
      }),
    })),
  };
}
